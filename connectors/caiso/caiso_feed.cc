#include "connectors/caiso/caiso_feed.h"

#include "connectors/caiso/caiso_parser.h"
#include "connectors/common/feed_health.h"
#include "connectors/common/interval_prices.h"
#include "connectors/common/parse_util.h"
#include "connectors/common/poll_feed.h"
#include "connectors/common/ws_client.h"

namespace hashwatch::connectors::caiso {

namespace {

// 2025-07-01T17:00:00Z → 20250701T17:00-0000 (OASIS wants GMT in this form).
std::string oasis_time(TimeNs t) {
  const std::string iso = format_rfc3339(t - t % kNsPerMinute, 0);
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 5) + "-0000";
}

class CaisoProtocol final : public PollProtocol {
 public:
  CaisoProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                rules::SourceId source)
      : config_(config),
        stats_(stats),
        fifteen_minute_(config.channel == "fmm"),
        prices_("caiso", config.symbols, (fifteen_minute_ ? 15 : 5) * kNsPerMinute, registry, stats, source),
        log_(config.name) {}

  void begin_cycle() override { asked_ = false; }

  std::optional<HttpRequestSpec> next_request() override {
    if (asked_) return std::nullopt;
    asked_ = true;
    const TimeNs now = wall_clock_ns();
    std::string nodes;
    for (const auto& n : prices_.nodes()) nodes += (nodes.empty() ? "" : ",") + n;
    HttpRequestSpec spec;
    spec.target = std::string("/oasisapi/SingleZip?resultformat=6&queryname=") +
                  (fifteen_minute_ ? "PRC_RTPD_LMP&version=3&market_run_id=RTPD" : "PRC_INTVL_LMP&version=3&market_run_id=RTM") +
                  "&node=" + nodes + "&startdatetime=" + oasis_time(now - kNsPerHour) +
                  "&enddatetime=" + oasis_time(now + 5 * kNsPerMinute);
    return spec;
  }

  bool on_response(unsigned status, std::string_view body, TimeNs recv_ns, EventSink& out) override {
    if (!http_ok(status, "OASIS SingleZip", body, stats_, log_, recv_ns)) return false;
    std::string csv, error;
    switch (unzip_oasis(body, csv, error)) {
      case ZipResult::kCsv:
        break;
      case ZipResult::kErrorXml:
        // "No data returned for the specified selection": nothing new yet; other texts are errors.
        if (error.find("No data") != std::string::npos) return true;
        report_server_error(stats_, log_, "OASIS: " + error, recv_ns);
        return false;
      case ZipResult::kNotZip:
        report_server_error(stats_, log_, "OASIS answered without a zip (throttled?): " + std::string(body.substr(0, 80)), recv_ns);
        return false;
      case ZipResult::kCorrupt:
        report_parse_error(stats_, log_, ParseStatus::kNotJson, "corrupt zip", recv_ns);
        return false;
    }
    std::vector<Price> rows;
    if (auto st = parse_oasis_csv(csv, rows); st != ParseStatus::kOk) {
      report_parse_error(stats_, log_, st, csv, recv_ns);
      return false;
    }
    for (const Price& p : rows) prices_.offer(p.node, p.interval_start_ns, p.price_usd_per_mwh);
    prices_.flush(recv_ns, out);
    return true;
  }

  std::optional<TimeNs> last_new_data_ns() const override { return prices_.last_new_data_ns(); }

 private:
  const FeedConfig& config_;
  FeedStats& stats_;
  bool fifteen_minute_;
  IntervalPrices prices_;
  ErrorLog log_;
  bool asked_ = false;
};

}  // namespace

void apply_defaults(FeedConfig& config) {
  if (config.symbols.empty()) config.symbols = {"TH_NP15_GEN-APND", "TH_SP15_GEN-APND"};
  if (config.channel.empty()) config.channel = "rtd";
  apply_poll_defaults(config, "https://oasis.caiso.com", 5 * kNsPerMinute /* OASIS throttles */, 20 * kNsPerMinute);
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<PollFeed<CaisoProtocol>>(config, io, registry, sink);
}

}  // namespace hashwatch::connectors::caiso
