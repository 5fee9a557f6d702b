#include <algorithm>
#include <boost/json.hpp>

#include "tools/feedsim/exchange_formats.h"
#include "tools/feedsim/replay.h"

namespace hashwatch::feedsim {
namespace json = boost::json;
namespace {

constexpr const char* kTimes = R"("time_in":"2025-07-01T12:00:00.000001Z","time_out":"2025-07-01T12:00:00.000042Z")";

struct Data {
  std::shared_ptr<const Recording> recording;
  std::string status;
};

class KrakenScript final : public WsScript {
 public:
  KrakenScript(std::shared_ptr<const Data> data, bool loop, std::shared_ptr<MarketClock> clock)
      : data_(std::move(data)), cursor_(data_->recording, loop, std::move(clock)) {}

  std::vector<std::string> on_open() override { return {data_->status}; }

  std::vector<std::string> on_client_frame(std::string_view frame) override {
    json::error_code ec;
    json::value v = json::parse(frame, ec);
    if (ec || !v.is_object()) return {R"({"error":"Malformed request","method":"error","success":false})"};
    const json::object& o = v.as_object();
    const std::string method = o.contains("method") && o.at("method").is_string()
                                   ? std::string(o.at("method").as_string())
                                   : "";
    const std::string req_id =
        o.contains("req_id") ? json::serialize(o.at("req_id")) : std::string("null");
    if (method == "ping") return {R"({"method":"pong","req_id":)" + req_id + "," + kTimes + "}"};
    if (method != "subscribe") {
      return {R"({"error":"Unsupported method","method":")" + method + R"(","req_id":)" + req_id +
              R"(,"success":false,)" + kTimes + "}"};
    }
    std::vector<std::string> out;
    const json::object* params = o.contains("params") ? o.at("params").if_object() : nullptr;
    if (params == nullptr || !params->contains("channel") || !params->contains("symbol")) {
      return {R"({"error":"Missing params","method":"subscribe","req_id":)" + req_id +
              R"(,"success":false,)" + kTimes + "}"};
    }
    const std::string channel(params->at("channel").as_string());
    for (const auto& s : params->at("symbol").as_array()) {
      const std::string symbol(s.as_string());
      if (symbol == "BTC/USD" && (channel == "ticker" || channel == "trade")) {
        out.push_back(R"({"method":"subscribe","req_id":)" + req_id + R"(,"result":{"channel":")" +
                      channel + R"(","snapshot":)" + (channel == "ticker" ? "true" : "false") +
                      R"(,"symbol":")" + symbol + R"("},"success":true,)" + kTimes + "}");
        subscribed_ = true;
      } else {
        out.push_back(R"({"error":"Currency pair not supported )" + symbol +
                      R"(","method":"subscribe","req_id":)" + req_id + R"(,"success":false,"symbol":")" +
                      symbol + R"(",)" + kTimes + "}");
      }
    }
    return out;
  }

  bool streaming() const override { return subscribed_; }

  std::optional<Frame> next_frame() override {
    if (auto f = cursor_.next()) return f;
    return Frame{R"({"channel":"heartbeat"})", false};  // idle market: heartbeats every slot
  }

 private:
  std::shared_ptr<const Data> data_;
  Cursor cursor_;
  bool subscribed_ = false;
};

class KrakenFormat final : public WsFormat {
 public:
  explicit KrakenFormat(const SimOptions& options) : loop_(options.loop) {
    const std::string path = options.fixtures_dir + "/kraken/ticker_trade_stream.jsonl";
    auto data = std::make_shared<Data>();
    for (const auto& line : read_lines(path)) {
      if (line.find(R"("channel":"status")") != std::string::npos) data->status = line;
    }
    data->recording = std::make_shared<const Recording>(
        load_jsonl(path,
                   [](std::string_view l) {
                     // Data frames open with their channel; acknowledgements only mention it.
                     return l.starts_with(R"({"channel":"ticker")") ||
                            l.starts_with(R"({"channel":"trade")") ||
                            l.starts_with(R"({"channel":"heartbeat")");
                   }),
        ShiftSpec{{{"trade_id"}}, {{"timestamp", TimeUnit::kRfc3339Micros}}});
    data_ = std::move(data);
  }
  std::string_view name() const override { return "kraken"; }
  std::unique_ptr<WsScript> open(std::string_view) override {
    return std::make_unique<KrakenScript>(data_, loop_, clock_);
  }

 private:
  std::shared_ptr<const Data> data_;
  bool loop_;
  std::shared_ptr<MarketClock> clock_ = std::make_shared<MarketClock>();
};

}  // namespace

std::unique_ptr<WsFormat> make_kraken_format(const SimOptions& options) {
  return std::make_unique<KrakenFormat>(options);
}

}  // namespace hashwatch::feedsim
