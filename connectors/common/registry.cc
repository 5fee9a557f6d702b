#include "connectors/common/registry.h"

#include <array>

#include "connectors/coinbase/coinbase_feed.h"
#include "connectors/mempool/mempool_feed.h"

namespace hashwatch::connectors {
namespace {

constexpr std::array<std::string_view, 5> kCoinbaseKeys{"url", "symbols", "stale_after",
                                                         "backoff", "required"};
constexpr std::array<std::string_view, 6> kMempoolKeys{"url",     "poll_interval", "stale_after",
                                                        "backoff", "fee_window_blocks", "required"};

// One line per connector kind.
const std::array<ConnectorKind, 2> kKinds{{
    {"coinbase", "ws", kCoinbaseKeys, &coinbase::apply_defaults, &coinbase::make_feed},
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
