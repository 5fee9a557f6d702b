#include <algorithm>
#include <boost/json.hpp>

#include "tools/feedsim/exchange_formats.h"
#include "tools/feedsim/replay.h"

namespace hashwatch::feedsim {
namespace json = boost::json;
namespace {

std::string error(const char* message) {
  return std::string(R"({"event":"bts:error","channel":"","data":{"code":null,"message":")") +
         message + R"("}})";
}

bool lowercase_channel(const std::string& c) {
  return !c.empty() && std::all_of(c.begin(), c.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

class BitstampScript final : public WsScript {
 public:
  BitstampScript(std::shared_ptr<const Recording> recording, bool loop,
                 std::shared_ptr<MarketClock> clock)
      : cursor_(std::move(recording), loop, std::move(clock)) {}

  std::vector<std::string> on_client_frame(std::string_view frame) override {
    json::error_code ec;
    json::value v = json::parse(frame, ec);
    if (ec || !v.is_object()) return {error("Incorrect JSON format.")};
    const json::object& o = v.as_object();
    const json::value* event = o.if_contains("event");
    if (event == nullptr || !event->is_string()) return {error("Bad subscription string.")};
    if (event->as_string() == "bts:heartbeat") {
      return {R"({"event":"bts:heartbeat","channel":"","data":{"status":"success"}})"};
    }
    if (event->as_string() != "bts:subscribe") return {error("Bad subscription string.")};
    const json::object* data = o.contains("data") ? o.at("data").if_object() : nullptr;
    if (data == nullptr || !data->contains("channel") || !data->at("channel").is_string()) {
      return {error("Bad subscription string.")};
    }
    const std::string channel(data->at("channel").as_string());
    if (!lowercase_channel(channel)) return {error("Invalid channel provided.")};
    // Unknown lower-case markets are acknowledged and then stay silent, as Bitstamp does.
    if (channel == "live_trades_btcusd") subscribed_ = true;
    return {R"({"event":"bts:subscription_succeeded","channel":")" + channel + R"(","data":{}})"};
  }

  bool streaming() const override { return subscribed_; }

  std::optional<Frame> next_frame() override {
    if (auto f = cursor_.next()) return f;
    if (reconnect_sent_) return std::nullopt;
    reconnect_sent_ = true;  // end of a non-looping recording: maintenance
    return Frame{R"({"event":"bts:request_reconnect","channel":"","data":null})", false};
  }

 private:
  Cursor cursor_;
  bool subscribed_ = false;
  bool reconnect_sent_ = false;
};

class BitstampFormat final : public WsFormat {
 public:
  explicit BitstampFormat(const SimOptions& options) : loop_(options.loop) {
    recording_ = std::make_shared<const Recording>(
        load_jsonl(options.fixtures_dir + "/bitstamp/live_trades_stream.jsonl",
                   [](std::string_view l) { return l.find(R"("event":"trade")") != std::string_view::npos; }),
        ShiftSpec{{{"id"}},
                  {{"microtimestamp", TimeUnit::kMicrosString}, {"timestamp", TimeUnit::kSecondsString}}});
  }
  std::string_view name() const override { return "bitstamp"; }
  std::unique_ptr<WsScript> open(std::string_view) override {
    return std::make_unique<BitstampScript>(recording_, loop_, clock_);
  }

 private:
  std::shared_ptr<const Recording> recording_;
  bool loop_;
  std::shared_ptr<MarketClock> clock_ = std::make_shared<MarketClock>();
};

}  // namespace

std::unique_ptr<WsFormat> make_bitstamp_format(const SimOptions& options) {
  return std::make_unique<BitstampFormat>(options);
}

}  // namespace hashwatch::feedsim
