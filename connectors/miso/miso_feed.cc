#include "connectors/miso/miso_feed.h"

#include "connectors/common/feed_health.h"
#include "connectors/common/interval_prices.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/poll_feed.h"
#include "connectors/miso/miso_parser.h"

namespace hashwatch::connectors::miso {

namespace {

class MisoProtocol final : public PollProtocol {
 public:
  MisoProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
               rules::SourceId source)
      : stats_(stats),
        prices_("miso", config.symbols, 5 * kNsPerMinute, registry, stats, source),
        parser_(make_json_parser()),
        log_(config.name) {}

  void begin_cycle() override { asked_ = false; }

  std::optional<HttpRequestSpec> next_request() override {
    if (asked_) return std::nullopt;
    asked_ = true;
    HttpRequestSpec spec;
    spec.target = "/api/MarketPricing/GetRealTimeFiveMinExPost/Current";
    return spec;
  }

  bool on_response(unsigned status, std::string_view body, TimeNs recv_ns, EventSink& out) override {
    if (!http_ok(status, "GetRealTimeFiveMinExPost", body, stats_, log_, recv_ns)) return false;
    std::vector<Price> rows;
    if (auto st = parse_public_api(body, *parser_, rows); st != ParseStatus::kOk) {
      report_parse_error(stats_, log_, st, body, recv_ns);
      return false;
    }
    for (const Price& p : rows) prices_.offer(p.node, p.interval_start_ns, p.price_usd_per_mwh);
    prices_.flush(recv_ns, out);
    return true;
  }

  std::optional<TimeNs> last_new_data_ns() const override { return prices_.last_new_data_ns(); }

 private:
  FeedStats& stats_;
  IntervalPrices prices_;
  JsonParserPtr parser_;
  ErrorLog log_;
  bool asked_ = false;
};

}  // namespace

void apply_defaults(FeedConfig& config) {
  if (config.symbols.empty()) config.symbols = {"INDIANA.HUB"};
  apply_poll_defaults(config, "https://public-api.misoenergy.org", 5 * kNsPerMinute, 20 * kNsPerMinute);
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<PollFeed<MisoProtocol>>(config, io, registry, sink);
}

}  // namespace hashwatch::connectors::miso
