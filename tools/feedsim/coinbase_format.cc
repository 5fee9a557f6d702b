#include "tools/feedsim/coinbase_format.h"

#include <boost/json.hpp>
#include <set>
#include <stdexcept>

#include "connectors/common/parse_util.h"

namespace hashwatch::feedsim {
namespace json = boost::json;
namespace {

constexpr TimeNs kCycleGapNs = kNsPerSecond;

struct Recording {
  std::vector<json::object> frames;  // tickers and heartbeats in arrival order
  std::set<std::string> products;
  std::int64_t first_sequence = 0, last_sequence = 0;
  std::int64_t first_trade = 0, last_trade = 0;
  TimeNs first_time = 0, last_time = 0;
};

std::int64_t trade_of(const json::object& o) {
  if (auto* t = o.if_contains("trade_id")) return t->as_int64();
  if (auto* t = o.if_contains("last_trade_id")) return t->as_int64();
  return 0;
}

Recording load(const SimOptions& options) {
  Recording rec;
  for (const std::string& line : read_lines(options.fixtures_dir + "/coinbase/ticker_stream.jsonl")) {
    json::object o = json::parse(line).as_object();
    const std::string type(o.at("type").as_string());
    if (type != "ticker" && type != "heartbeat") continue;
    rec.products.insert(std::string(o.at("product_id").as_string()));
    const std::int64_t seq = o.at("sequence").as_int64();
    const TimeNs t = *connectors::parse_rfc3339_ns(std::string_view(o.at("time").as_string()));
    const std::int64_t trade = trade_of(o);
    if (rec.frames.empty()) {
      rec.first_sequence = seq;
      rec.first_trade = trade;
      rec.first_time = t;
    }
    rec.last_sequence = seq;
    rec.last_trade = std::max(rec.last_trade, trade);
    rec.last_time = t;
    rec.frames.push_back(std::move(o));
  }
  if (rec.frames.empty()) throw std::runtime_error("coinbase fixture has no tickers");
  return rec;
}

json::object error_frame(const std::string& reason) {
  return json::object{{"type", "error"}, {"message", "Failed to subscribe"}, {"reason", reason}};
}

class CoinbaseScript final : public WsScript {
 public:
  CoinbaseScript(std::shared_ptr<const Recording> rec, bool loop) : rec_(std::move(rec)), loop_(loop) {}

  std::vector<std::string> on_client_frame(std::string_view frame) override {
    std::vector<std::string> out;
    json::error_code ec;
    json::value v = json::parse(frame, ec);
    if (ec || !v.is_object()) {
      out.push_back(json::serialize(json::object{{"type", "error"}, {"message", "Malformed JSON"}}));
      return out;
    }
    const json::object& o = v.as_object();
    const json::value* type = o.if_contains("type");
    if (type == nullptr || !type->is_string() || type->as_string() != "subscribe") {
      out.push_back(json::serialize(json::object{{"type", "error"}, {"message", "Unsupported message type"}}));
      return out;
    }
    std::vector<std::string> channels;
    if (const json::value* ch = o.if_contains("channels"); ch && ch->is_array()) {
      for (const auto& c : ch->as_array()) {
        if (c.is_string()) channels.emplace_back(c.as_string());
        else if (c.is_object() && c.as_object().contains("name")) {
          channels.emplace_back(c.as_object().at("name").as_string());
        }
      }
    }
    for (const std::string& c : channels) {
      if (c != "ticker" && c != "heartbeat") {
        out.push_back(json::serialize(error_frame(c + " is not a valid channel")));
        return out;
      }
    }
    if (const json::value* ids = o.if_contains("product_ids"); ids && ids->is_array()) {
      for (const auto& id : ids->as_array()) {
        if (!id.is_string()) continue;
        const std::string product(id.as_string());
        if (rec_->products.contains(product)) {
          subscribed_.insert(product);
        } else {
          out.push_back(json::serialize(error_frame(product + " is not a valid product")));
        }
      }
    }
    if (!subscribed_.empty()) {
      json::array list;
      for (const std::string& c : channels) {
        json::array products;
        for (const auto& p : subscribed_) products.emplace_back(p);
        list.emplace_back(json::object{{"name", c}, {"product_ids", products}, {"account_ids", nullptr}});
      }
      out.push_back(json::serialize(json::object{{"type", "subscriptions"}, {"channels", list}}));
    }
    return out;
  }

  bool streaming() const override { return !subscribed_.empty(); }

  std::optional<std::string> next_frame() override {
    const Recording& r = *rec_;
    if (index_ == r.frames.size() && loop_) {
      index_ = 0;
      ++cycle_;
    }
    if (index_ < r.frames.size()) {
      json::object o = r.frames[index_++];
      if (cycle_ > 0) shift(o);
      return json::serialize(o);
    }
    // The recording is over: the market goes quiet, but heartbeats keep coming, once per frame slot.
    ++quiet_;
    json::object hb{{"type", "heartbeat"},
                    {"last_trade_id", r.last_trade},
                    {"product_id", *r.products.begin()},
                    {"sequence", r.last_sequence + 100 * static_cast<std::int64_t>(quiet_)},
                    {"time", connectors::format_rfc3339(
                                 r.last_time + static_cast<TimeNs>(quiet_) * kNsPerSecond, 6)}};
    return json::serialize(hb);
  }

 private:
  void shift(json::object& o) const {
    const Recording& r = *rec_;
    const auto c = static_cast<std::int64_t>(cycle_);
    o["sequence"] = o.at("sequence").as_int64() + c * (r.last_sequence - r.first_sequence + 1000);
    const std::int64_t trade_span = r.last_trade - r.first_trade + 1;
    if (auto* t = o.if_contains("trade_id")) *t = t->as_int64() + c * trade_span;
    if (auto* t = o.if_contains("last_trade_id")) *t = t->as_int64() + c * trade_span;
    const TimeNs t = *connectors::parse_rfc3339_ns(std::string_view(o.at("time").as_string()));
    o["time"] = connectors::format_rfc3339(t + c * (r.last_time - r.first_time + kCycleGapNs), 6);
  }

  std::shared_ptr<const Recording> rec_;
  bool loop_;
  std::set<std::string> subscribed_;
  std::size_t index_ = 0;
  std::size_t cycle_ = 0;
  std::size_t quiet_ = 0;
};

class CoinbaseFormat final : public WsFormat {
 public:
  explicit CoinbaseFormat(const SimOptions& options)
      : rec_(std::make_shared<const Recording>(load(options))), loop_(options.loop) {}
  std::string_view name() const override { return "coinbase"; }
  std::unique_ptr<WsScript> open() override { return std::make_unique<CoinbaseScript>(rec_, loop_); }

 private:
  std::shared_ptr<const Recording> rec_;
  bool loop_;
};

}  // namespace

std::unique_ptr<WsFormat> make_coinbase_format(const SimOptions& options) {
  return std::make_unique<CoinbaseFormat>(options);
}

}  // namespace hashwatch::feedsim
