// Hashrate Index (Luxor) connector (`kind: hashrateindex`): polls the hashprice series (USD per
// PH/s per day) with the API key from a file and emits hashprice_index_usd_per_ph_day{source=
// "<feed>"} stamped with the index's own time; the engine derives its divergence from the computed
// hashprice (hashprice_index_divergence_pct).
#pragma once

#include <optional>
#include <string>

#include "connectors/common/connector.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"
#include "connectors/common/registry.h"

namespace hashwatch::connectors::hashrateindex {

struct IndexPoint {
  double price_usd_per_ph_day = 0.0;
  TimeNs time_ns = 0;
};

// {"data":[{"timestamp","price"},...]} (newest wins) or {"data":{"timestamp","priceUSD"}}.
// `body` must be followed by kFramePadding readable bytes.
ParseStatus parse_hashprice(std::string_view body, JsonParser& parser, IndexPoint& out);

class HashrateIndexProtocol final : public PollProtocol {
 public:
  HashrateIndexProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                        rules::SourceId source);
  ~HashrateIndexProtocol() override;

  void begin_cycle() override;
  std::optional<HttpRequestSpec> next_request() override;
  bool on_response(unsigned status, std::string_view body, TimeNs recv_ns, EventSink& out) override;

 private:
  const FeedConfig& config_;
  FeedStats& stats_;
  rules::SourceId source_;
  rules::SeriesId series_;
  JsonParserPtr parser_;
  ErrorLog log_;
  std::string api_key_;
  bool asked_ = false;
};

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::hashrateindex
