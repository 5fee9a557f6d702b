#include "connectors/pjm/pjm_feed.h"

#include <cstdio>
#include <fstream>

#include "connectors/common/feed_health.h"
#include "connectors/common/interval_prices.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/poll_feed.h"
#include "connectors/common/ws_client.h"
#include "connectors/pjm/pjm_parser.h"
#include "rules/local_time.h"

namespace hashwatch::connectors::pjm {

namespace {

class PjmProtocol final : public PollProtocol {
 public:
  PjmProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
              rules::SourceId source)
      : config_(config),
        stats_(stats),
        prices_("pjm", config.symbols, 5 * kNsPerMinute, registry, stats, source),
        eastern_(*rules::TimeZone::find("America/New_York")),
        parser_(make_json_parser()),
        log_(config.name) {}

  void begin_cycle() override {
    if (key_.empty() && !config_.api_key_file.empty()) {
      std::ifstream in(config_.api_key_file);
      std::getline(in, key_);
      while (!key_.empty() && (key_.back() == '\r' || key_.back() == ' ')) key_.pop_back();
    }
    next_.clear();
    first_ = true;
  }

  std::optional<HttpRequestSpec> next_request() override {
    HttpRequestSpec spec;
    if (first_) {
      first_ = false;
      const TimeNs now = wall_clock_ns();
      std::string ids;
      for (const auto& n : prices_.nodes()) ids += (ids.empty() ? "" : ";") + n;
      spec.target = "/rt_unverified_fivemin_lmps?startRow=1&rowCount=50000&datetime_beginning_ept=" +
                    ept(now - kNsPerHour) + "to" + ept(now) + "&pnode_id=" + ids;
    } else if (!next_.empty()) {
      spec.target = std::move(next_);  // an absolute URL: its own connection
      next_.clear();
    } else {
      return std::nullopt;
    }
    if (!key_.empty()) spec.headers.emplace_back("Ocp-Apim-Subscription-Key", key_);
    return spec;
  }

  bool on_response(unsigned status, std::string_view body, TimeNs recv_ns, EventSink& out) override {
    if (status == 401) key_.clear();
    if (!http_ok(status, "Data Miner", body, stats_, log_, recv_ns)) return false;
    std::vector<Price> rows;
    std::int64_t total = 0;
    if (auto st = parse_lmps(body, *parser_, rows, total, next_); st != ParseStatus::kOk) {
      report_parse_error(stats_, log_, st, body, recv_ns);
      return false;
    }
    for (const Price& p : rows) {
      prices_.offer(std::to_string(p.pnode_id), p.interval_start_ns, p.price_usd_per_mwh);
    }
    prices_.flush(recv_ns, out);
    return true;
  }

  std::optional<TimeNs> last_new_data_ns() const override { return prices_.last_new_data_ns(); }

 private:
  // "07/01/2025 13:00" in Eastern prevailing time, as the filter wants (space URL-encoded).
  std::string ept(TimeNs t) const {
    const auto l = eastern_.to_local(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04d%%20%02d:%02d", l.month, l.day, l.year, l.hour, l.minute);
    return buf;
  }

  const FeedConfig& config_;
  FeedStats& stats_;
  IntervalPrices prices_;
  rules::TimeZone eastern_;
  JsonParserPtr parser_;
  ErrorLog log_;
  std::string key_;
  std::string next_;
  bool first_ = true;
};

}  // namespace

void apply_defaults(FeedConfig& config) {
  if (config.symbols.empty()) config.symbols = {"51288"};  // WESTERN HUB
  apply_poll_defaults(config, "https://api.pjm.com/api/v1", kNsPerMinute, 15 * kNsPerMinute);
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<PollFeed<PjmProtocol>>(config, io, registry, sink);
}

}  // namespace hashwatch::connectors::pjm
