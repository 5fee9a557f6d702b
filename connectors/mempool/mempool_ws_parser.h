// Parses mempool.space WebSocket frames: a new block ("block"), the initial "blocks" array (newest
// wins), the difficulty-adjustment estimate ("da") and the application pong. Other keys (mempool
// info, fees, transactions) are skipped without being read.
#pragma once

#include <cstdint>
#include <string_view>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"
#include "rules/time.h"

namespace hashwatch::connectors::mempool {

struct WsBlock {
  std::int64_t height = 0;
  double difficulty = 0.0;
  TimeNs time_ns = 0;              // block header timestamp
  std::int64_t total_fees_sats = -1;  // extras.totalFees; -1 when absent
};

struct WsMessage {
  bool has_block = false;
  WsBlock block;
  bool has_da = false;
  double retarget_change_pct = 0.0;    // da.difficultyChange
  std::int64_t remaining_blocks = 0;   // da.remainingBlocks
  bool pong = false;
};

// `frame` must be followed by kFramePadding readable bytes.
ParseStatus parse_ws_message(std::string_view frame, JsonParser& parser, WsMessage& out);

}  // namespace hashwatch::connectors::mempool
