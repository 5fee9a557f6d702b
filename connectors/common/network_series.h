// The bitcoin network series the network connectors (mempool REST and WebSocket, bitcoind) publish,
// named in one place and interned once per connector.
#pragma once

#include "rules/series_registry.h"

namespace hashwatch::connectors {

struct NetworkSeries {
  explicit NetworkSeries(rules::SeriesRegistry& registry)
      : block_height(registry.intern("block_height")),
        difficulty(registry.intern("difficulty")),
        network_hashrate(registry.intern("network_hashrate_hs")),
        block_fees(registry.intern("block_fees_btc")),
        fees_per_block(registry.intern("fees_per_block_btc")),
        retarget_change(registry.intern("retarget_change_pct")) {}

  rules::SeriesId block_height, difficulty, network_hashrate, block_fees, fees_per_block, retarget_change;
};

}  // namespace hashwatch::connectors
