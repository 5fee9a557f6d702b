// The Feed every WebSocket connector is: its config, health counters, protocol and a WsClient.
// A connector's factory is one line: return std::make_unique<WsFeed<MyProtocol>>(...).
#pragma once

#include <memory>

#include "connectors/common/registry.h"
#include "connectors/common/ws_client.h"

namespace hashwatch::connectors {

// Per-symbol state shared by the exchange protocols: the series a symbol feeds and its sequence.
struct SymbolState {
  std::string symbol;
  rules::SeriesId series = rules::kNoSeries;
  std::int64_t last_sequence = 0;  // newest sequence (trade id) on this connection; 0: none yet
};

// One btc_usd{source=...} series per configured symbol: source is the feed name, or
// "<feed>:<symbol>" when the feed has several symbols.
std::vector<SymbolState> make_symbol_states(const FeedConfig& config, rules::SeriesRegistry& registry);
SymbolState* find_symbol(std::vector<SymbolState>& symbols, std::string_view symbol);

// Counts `sequence` against the symbol's last: returns false for a duplicate or older sequence
// (drop it), adds skipped sequence numbers to `stats.sequence_gaps` when `contiguous`.
bool accept_sequence(SymbolState& s, std::int64_t sequence, bool contiguous, FeedStats& stats);

template <class Protocol>
class WsFeed final : public Feed {
 public:
  WsFeed(const FeedConfig& config, boost::asio::io_context& io, rules::SeriesRegistry& registry,
         EventSink& sink, std::string url)
      : config_(config),
        protocol_(config_, registry, stats_, registry.intern_source(config_.name)),
        client_(io,
                WsClientOptions{.feed_name = config_.name,
                                .url = std::move(url),
                                .source = registry.intern_source(config_.name),
                                .stale_after_ns = config_.stale_after_ns,
                                .backoff = {config_.backoff_base_ns, config_.backoff_cap_ns}},
                protocol_, sink, stats_) {}

  void start() override { client_.start(); }
  void stop() override { client_.stop(); }
  const FeedConfig& config() const override { return config_; }
  FeedStats& stats() override { return stats_; }

 private:
  FeedConfig config_;
  FeedStats stats_;
  Protocol protocol_;
  WsClient client_;
};

}  // namespace hashwatch::connectors
