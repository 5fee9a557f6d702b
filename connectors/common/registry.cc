#include "connectors/common/registry.h"

#include <array>

#include "connectors/binance/binance_feed.h"
#include "connectors/bitstamp/bitstamp_feed.h"
#include "connectors/coinbase/coinbase_feed.h"
#include "connectors/kraken/kraken_feed.h"
#include "connectors/mempool/mempool_feed.h"

namespace hashwatch::connectors {
namespace {

constexpr std::array<std::string_view, 5> kExchangeKeys{"url", "symbols", "stale_after",
                                                         "backoff", "required"};
constexpr std::array<std::string_view, 6> kBinanceKeys{"url",     "symbols", "channel",
                                                        "stale_after", "backoff", "required"};
constexpr std::array<std::string_view, 6> kMempoolKeys{"url",     "poll_interval", "stale_after",
                                                        "backoff", "fee_window_blocks", "required"};

// One line per connector kind.
const std::array<ConnectorKind, 5> kKinds{{
    {"coinbase", "ws", kExchangeKeys, &coinbase::apply_defaults, &coinbase::make_feed},
    {"kraken", "ws", kExchangeKeys, &kraken::apply_defaults, &kraken::make_feed},
    {"binance", "ws", kBinanceKeys, &binance::apply_defaults, &binance::make_feed},
    {"bitstamp", "ws", kExchangeKeys, &bitstamp::apply_defaults, &bitstamp::make_feed},
    {"mempool", "http", kMempoolKeys, &mempool::apply_defaults, &mempool::make_feed},
}};

}  // namespace

std::span<const ConnectorKind> connector_kinds() { return kKinds; }

const ConnectorKind* find_connector_kind(std::string_view kind) {
  for (const ConnectorKind& k : kKinds) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

}  // namespace hashwatch::connectors
