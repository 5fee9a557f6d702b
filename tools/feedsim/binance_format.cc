#include <algorithm>
#include <boost/json.hpp>

#include "tools/feedsim/exchange_formats.h"
#include "tools/feedsim/replay.h"

namespace hashwatch::feedsim {
namespace json = boost::json;
namespace {

// Stream names requested by a URL target: /stream?streams=a/b (combined) or /ws/a (raw).
std::vector<std::string> requested_streams(std::string_view target, bool& combined) {
  std::vector<std::string> out;
  combined = target.starts_with("/stream");
  std::string_view list;
  if (combined) {
    const auto p = target.find("streams=");
    if (p == std::string_view::npos) return out;
    list = target.substr(p + 8);
    list = list.substr(0, list.find('&'));
  } else if (target.starts_with("/ws/")) {
    list = target.substr(4);
    list = list.substr(0, list.find('?'));
  }
  while (!list.empty()) {
    const auto slash = list.find('/');
    out.emplace_back(list.substr(0, slash));
    list = slash == std::string_view::npos ? std::string_view{} : list.substr(slash + 1);
  }
  return out;
}

class BinanceScript final : public WsScript {
 public:
  BinanceScript(std::shared_ptr<const Recording> recording, bool loop, std::string_view target,
                std::shared_ptr<MarketClock> clock)
      : recording_(recording), cursor_(std::move(recording), loop, std::move(clock)), loop_(loop) {
    streams_ = requested_streams(target, combined_);
  }

  std::vector<std::string> on_client_frame(std::string_view frame) override {
    json::error_code ec;
    json::value v = json::parse(frame, ec);
    if (ec || !v.is_object()) {
      return {R"({"error":{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"},"id":null})"};
    }
    const json::object& o = v.as_object();
    const std::string id = o.contains("id") ? json::serialize(o.at("id")) : "null";
    const std::string method = o.contains("method") && o.at("method").is_string()
                                   ? std::string(o.at("method").as_string())
                                   : "";
    if (method == "SUBSCRIBE" || method == "UNSUBSCRIBE") {
      if (const auto* p = o.if_contains("params"); p && p->is_array()) {
        for (const auto& s : p->as_array()) {
          if (!s.is_string()) continue;
          const std::string name(s.as_string());
          auto it = std::find(streams_.begin(), streams_.end(), name);
          if (method == "SUBSCRIBE" && it == streams_.end()) streams_.push_back(name);
          if (method == "UNSUBSCRIBE" && it != streams_.end()) streams_.erase(it);
        }
      }
      return {R"({"result":null,"id":)" + id + "}"};
    }
    if (method == "LIST_SUBSCRIPTIONS") {
      json::array list;
      for (const auto& s : streams_) list.emplace_back(s);
      return {R"({"result":)" + json::serialize(list) + R"(,"id":)" + id + "}"};
    }
    return {R"({"error":{"code":2,"msg":"Invalid request: unknown variant `)" + method +
            R"(`"},"id":)" + id + "}"};
  }

  bool streaming() const override { return !streams_.empty(); }

  std::optional<Frame> next_frame() override {
    // Only frames of requested streams; the recording interleaves trade and bookTicker.
    for (std::size_t tries = 0; tries <= recording_->size(); ++tries) {
      std::optional<Frame> f = cursor_.next();
      if (!f) {
        if (shutdown_sent_) return std::nullopt;
        shutdown_sent_ = true;  // end of a non-looping recording: the server goes away
        return Frame{R"({"e":"serverShutdown","E":1751371205000})", false};
      }
      for (const auto& s : streams_) {
        if (f->text.find("\"stream\":\"" + s + "\"") == std::string::npos) continue;
        if (!combined_) {
          // Raw streams deliver the payload without the {"stream":...,"data":...} wrapper.
          const auto p = f->text.find("\"data\":");
          f->text = f->text.substr(p + 7, f->text.size() - p - 8);
        }
        return f;
      }
    }
    return std::nullopt;
  }

 private:
  std::shared_ptr<const Recording> recording_;
  Cursor cursor_;
  bool loop_;
  bool combined_ = true;
  bool shutdown_sent_ = false;
  std::vector<std::string> streams_;
};

class BinanceFormat final : public WsFormat {
 public:
  explicit BinanceFormat(const SimOptions& options) : loop_(options.loop) {
    recording_ = std::make_shared<const Recording>(
        load_jsonl(options.fixtures_dir + "/binance/combined_stream.jsonl",
                   [](std::string_view l) { return l.find(R"("stream":)") != std::string_view::npos; }),
        ShiftSpec{{{"t"}, {"u"}}, {{"E", TimeUnit::kMillisInt}, {"T", TimeUnit::kMillisInt}}});
  }
  std::string_view name() const override { return "binance"; }
  std::unique_ptr<WsScript> open(std::string_view target) override {
    return std::make_unique<BinanceScript>(recording_, loop_, target, clock_);
  }

 private:
  std::shared_ptr<const Recording> recording_;
  bool loop_;
  std::shared_ptr<MarketClock> clock_ = std::make_shared<MarketClock>();
};

}  // namespace

std::unique_ptr<WsFormat> make_binance_format(const SimOptions& options) {
  return std::make_unique<BinanceFormat>(options);
}

}  // namespace hashwatch::feedsim
