// WebSocket feeds replayed from tests/fixtures: Kraken v2, Binance spot, Bitstamp v2, mempool.space.
#pragma once

#include <memory>

#include "tools/feedsim/format.h"

namespace hashwatch::feedsim {

std::unique_ptr<WsFormat> make_kraken_format(const SimOptions& options);
std::unique_ptr<WsFormat> make_binance_format(const SimOptions& options);
std::unique_ptr<WsFormat> make_bitstamp_format(const SimOptions& options);
// mempool.space's WebSocket (new blocks pushed through the control endpoint).
std::unique_ptr<WsFormat> make_mempool_ws_format(const SimOptions& options);
// bitcoind JSON-RPC and the Hashrate Index API (REST).
std::unique_ptr<RestFormat> make_bitcoind_format(const SimOptions& options);
std::unique_ptr<RestFormat> make_hashrateindex_format(const SimOptions& options);
// ERCOT's public API with recorded prices.
std::unique_ptr<RestFormat> make_ercot_format(const SimOptions& options);
// CAISO OASIS, PJM Data Miner 2 and MISO's public API with recorded intervals.
std::unique_ptr<RestFormat> make_caiso_format(const SimOptions& options);
std::unique_ptr<RestFormat> make_pjm_format(const SimOptions& options);
std::unique_ptr<RestFormat> make_miso_format(const SimOptions& options);

}  // namespace hashwatch::feedsim
