#include "tools/feedsim/coinbase_format.h"

#include <boost/json.hpp>
#include <set>

#include "connectors/common/parse_util.h"
#include "tools/feedsim/replay.h"

namespace hashwatch::feedsim {
namespace json = boost::json;
namespace {

struct Data {
  std::shared_ptr<const Recording> recording;
  std::set<std::string> products;
  std::int64_t last_sequence = 0, last_trade = 0;
  TimeNs last_time = 0;
};

Data load(const SimOptions& options) {
  Data d;
  auto lines = load_jsonl(options.fixtures_dir + "/coinbase/ticker_stream.jsonl",
                          [](std::string_view l) {
                            return l.find(R"("type":"ticker")") != std::string_view::npos ||
                                   l.find(R"("type":"heartbeat")") != std::string_view::npos;
                          });
  for (const auto& line : lines) {
    const json::object o = json::parse(line).as_object();
    d.products.insert(std::string(o.at("product_id").as_string()));
    d.last_sequence = std::max(d.last_sequence, o.at("sequence").as_int64());
    if (auto* t = o.if_contains("trade_id")) d.last_trade = std::max(d.last_trade, t->as_int64());
    d.last_time = *connectors::parse_rfc3339_ns(std::string_view(o.at("time").as_string()));
  }
  d.recording = std::make_shared<const Recording>(
      std::move(lines),
      ShiftSpec{{{"sequence"}, {"trade_id", "last_trade_id"}}, {{"time", TimeUnit::kRfc3339Micros}}});
  return d;
}

std::string error_frame(const std::string& reason) {
  return json::serialize(
      json::object{{"type", "error"}, {"message", "Failed to subscribe"}, {"reason", reason}});
}

class CoinbaseScript final : public WsScript {
 public:
  CoinbaseScript(std::shared_ptr<const Data> data, bool loop, std::shared_ptr<MarketClock> clock)
      : data_(std::move(data)), cursor_(data_->recording, loop, std::move(clock)) {}

  std::vector<std::string> on_client_frame(std::string_view frame) override {
    std::vector<std::string> out;
    json::error_code ec;
    json::value v = json::parse(frame, ec);
    if (ec || !v.is_object()) {
      out.push_back(R"({"type":"error","message":"Malformed JSON"})");
      return out;
    }
    const json::object& o = v.as_object();
    const json::value* type = o.if_contains("type");
    if (type == nullptr || !type->is_string() || type->as_string() != "subscribe") {
      out.push_back(R"({"type":"error","message":"Unsupported message type"})");
      return out;
    }
    std::vector<std::string> channels;
    if (const json::value* ch = o.if_contains("channels"); ch && ch->is_array()) {
      for (const auto& c : ch->as_array()) {
        if (c.is_string()) {
          channels.emplace_back(c.as_string());
        } else if (c.is_object() && c.as_object().contains("name")) {
          channels.emplace_back(c.as_object().at("name").as_string());
        }
      }
    }
    for (const std::string& c : channels) {
      if (c != "ticker" && c != "heartbeat") {
        out.push_back(error_frame(c + " is not a valid channel"));
        return out;
      }
    }
    if (const json::value* ids = o.if_contains("product_ids"); ids && ids->is_array()) {
      for (const auto& id : ids->as_array()) {
        if (!id.is_string()) continue;
        const std::string product(id.as_string());
        if (data_->products.contains(product)) {
          subscribed_.insert(product);
        } else {
          out.push_back(error_frame(product + " is not a valid product"));
        }
      }
    }
    if (!subscribed_.empty()) {
      json::array list;
      for (const std::string& c : channels) {
        json::array products;
        for (const auto& p : subscribed_) products.emplace_back(p);
        list.emplace_back(
            json::object{{"name", c}, {"product_ids", products}, {"account_ids", nullptr}});
      }
      out.push_back(json::serialize(json::object{{"type", "subscriptions"}, {"channels", list}}));
    }
    return out;
  }

  bool streaming() const override { return !subscribed_.empty(); }

  std::optional<Frame> next_frame() override {
    if (auto f = cursor_.next()) return f;
    // The recording is over: the market goes quiet, but heartbeats keep coming.
    ++quiet_;
    const auto q = static_cast<std::int64_t>(quiet_);
    json::object hb{{"type", "heartbeat"},
                    {"last_trade_id", data_->last_trade},
                    {"product_id", *data_->products.begin()},
                    {"sequence", data_->last_sequence + 100 * q},
                    {"time", connectors::format_rfc3339(data_->last_time + q * kNsPerSecond, 6)}};
    return Frame{json::serialize(hb), false};
  }

 private:
  std::shared_ptr<const Data> data_;
  Cursor cursor_;
  std::set<std::string> subscribed_;
  std::size_t quiet_ = 0;
};

class CoinbaseFormat final : public WsFormat {
 public:
  explicit CoinbaseFormat(const SimOptions& options)
      : data_(std::make_shared<const Data>(load(options))), loop_(options.loop) {}
  std::string_view name() const override { return "coinbase"; }
  std::unique_ptr<WsScript> open(std::string_view) override {
    return std::make_unique<CoinbaseScript>(data_, loop_, clock_);
  }

 private:
  std::shared_ptr<const Data> data_;
  bool loop_;
  std::shared_ptr<MarketClock> clock_ = std::make_shared<MarketClock>();
};

}  // namespace

std::unique_ptr<WsFormat> make_coinbase_format(const SimOptions& options) {
  return std::make_unique<CoinbaseFormat>(options);
}

}  // namespace hashwatch::feedsim
