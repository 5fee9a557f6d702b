// bitcoind JSON-RPC connector (`kind: bitcoind`): each poll asks getblockchaininfo (tip height,
// difficulty; a syncing or warming-up node is not a source) and getmininginfo (network hashrate),
// then getblockstats for every block of the fee window it does not know yet, and emits block_height,
// difficulty, network_hashrate_hs, block_fees_btc and fees_per_block_btc (mean over the window).
// Auth: the node's cookie file (re-read after a 401) or a user and a password file.
#pragma once

#include <optional>
#include <string>

#include "connectors/common/connector.h"
#include "connectors/common/network_series.h"
#include "connectors/common/fee_window.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/registry.h"

namespace hashwatch::connectors::bitcoind {

class BitcoindProtocol final : public PollProtocol {
 public:
  BitcoindProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                   rules::SourceId source);
  ~BitcoindProtocol() override;

  void begin_cycle() override;
  std::optional<HttpRequestSpec> next_request() override;
  bool on_response(unsigned status, std::string_view body, TimeNs recv_ns, EventSink& out) override;

  const FeeWindow& fee_window() const { return window_; }

 private:
  enum class Step { kChainInfo, kMiningInfo, kBlockStats, kDone };
  HttpRequestSpec rpc(std::string_view method, std::string params);
  bool load_credentials();
  void emit(EventSink& out, rules::SeriesId series, double value, TimeNs recv_ns);

  const FeedConfig& config_;
  FeedStats& stats_;
  rules::SourceId source_;
  NetworkSeries series_;
  JsonParserPtr parser_;
  ErrorLog log_;
  FeeWindow window_;
  std::string authorization_;  // "Basic ..." or empty until loaded
  Step step_ = Step::kChainInfo;
  std::int64_t requested_height_ = -1;
  std::int64_t stats_this_cycle_ = 0;
  std::uint64_t request_id_ = 0;
  std::optional<double> last_mean_;
};

// RFC 4648 base64 (for HTTP Basic credentials).
std::string base64(std::string_view in);

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::bitcoind
