// Parses bitcoind JSON-RPC replies, legacy 1.0 ({"result","error","id"}) and 2.0 (result or error):
// getblockchaininfo, getmininginfo and getblockstats (amounts in satoshis).
#pragma once

#include <cstdint>
#include <string_view>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"

namespace hashwatch::connectors::bitcoind {

struct RpcError {
  bool present = false;
  std::int64_t code = 0;  // e.g. -28 warming up, -8 bad height, -32601 method not found
  std::string_view message;
};

struct ChainInfo {
  std::int64_t blocks = 0;
  std::int64_t headers = 0;
  double difficulty = 0.0;
  bool initial_block_download = false;
};

struct MiningInfo {
  double network_hashps = 0.0;
};

struct BlockStats {
  std::int64_t height = 0;
  std::int64_t total_fee_sats = 0;
};

// Each fills `error` when the reply carries one (then ParseStatus::kOk and the result untouched).
ParseStatus parse_chain_info(std::string_view body, JsonParser& parser, ChainInfo& out, RpcError& error);
ParseStatus parse_mining_info(std::string_view body, JsonParser& parser, MiningInfo& out, RpcError& error);
ParseStatus parse_block_stats(std::string_view body, JsonParser& parser, BlockStats& out, RpcError& error);

}  // namespace hashwatch::connectors::bitcoind
