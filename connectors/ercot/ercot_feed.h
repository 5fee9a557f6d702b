// ERCOT real-time settlement point prices (NP6-905-CD) from the public API (`kind: ercot`): an
// Azure AD B2C id_token (refreshed before its hour is up) plus the subscription key on every call;
// each poll reads today's report for every configured node (all pages) and emits
// power_price_usd_per_mwh{market="ercot",node} for each interval newer than the last one seen, stamped
// with the interval start in UTC (DST exact: the repeated hour via DSTFlag, the skipped hour absent).
// A re-posted interval with a new price replaces the old one; skipped intervals are counted.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/common/connector.h"
#include "connectors/common/interval_prices.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/registry.h"
#include "rules/local_time.h"

namespace hashwatch::connectors::ercot {

class ErcotProtocol final : public PollProtocol {
 public:
  ErcotProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                rules::SourceId source);
  ~ErcotProtocol() override;

  void begin_cycle() override;
  std::optional<HttpRequestSpec> next_request() override;
  bool on_response(unsigned status, std::string_view body, TimeNs recv_ns, EventSink& out) override;
  std::optional<TimeNs> last_new_data_ns() const override { return prices_.last_new_data_ns(); }

  // The delivery date queried (Central); tests set the clock.
  void set_now_for_test(TimeNs now_ns) { now_override_ns_ = now_ns; }
  std::uint64_t missing_intervals() const { return prices_.missing_intervals(); }

 private:
  enum class Step { kToken, kPrices, kDone };
  HttpRequestSpec prices_request() const;
  bool on_prices(std::string_view body, TimeNs recv_ns, EventSink& out);

  const FeedConfig& config_;
  FeedStats& stats_;
  rules::SourceId source_;
  IntervalPrices prices_;
  rules::TimeZone central_;
  JsonParserPtr parser_;
  ErrorLog log_;
  std::string subscription_key_;
  std::string password_;
  std::string id_token_;
  TimeNs token_expires_ns_ = 0;
  Step step_ = Step::kPrices;
  std::size_t node_index_ = 0;
  int page_ = 1;
  std::string date_;  // yyyy-MM-dd being queried
  std::optional<TimeNs> now_override_ns_;
};

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::ercot
