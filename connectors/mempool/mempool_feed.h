// mempool.space REST connector: polls tip height, difficulty + hashrate, the fee window and the
// difficulty-adjustment estimate, and emits block_height, difficulty, network_hashrate_hs,
// fees_per_block_btc and retarget_change_pct.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/common/connector.h"
#include "connectors/common/network_series.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/feed_config.h"
#include "connectors/common/registry.h"

namespace hashwatch::connectors::mempool {

class MempoolProtocol final : public PollProtocol {
 public:
  enum Target : std::size_t { kTipHeight = 0, kHashrate = 1, kRewardStats = 2, kDifficultyAdjustment = 3 };

  MempoolProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                  rules::SourceId source);
  ~MempoolProtocol() override;

  std::vector<std::string> targets() const;
  void begin_cycle() override { next_ = 0; }
  std::optional<HttpRequestSpec> next_request() override;
  bool on_response(unsigned status, std::string_view body, TimeNs recv_ns, EventSink& out) override;
  // The answer to targets()[target_index] (already known to be 2xx).
  bool on_target_response(std::size_t target_index, std::string_view body, TimeNs recv_ns,
                          EventSink& out);

 private:
  bool emit(EventSink& out, rules::SeriesId series, double value, TimeNs recv_ns);
  bool fail(int status, std::string_view what, std::string_view body, TimeNs recv_ns);

  const FeedConfig& config_;
  FeedStats& stats_;
  rules::SourceId source_;
  NetworkSeries series_;
  JsonParserPtr parser_;
  ErrorLog log_;
  std::vector<std::string> targets_;
  std::size_t next_ = 0;
};

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::mempool
