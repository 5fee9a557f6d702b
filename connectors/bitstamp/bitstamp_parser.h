// Parses Bitstamp WebSocket v2 frames: live trades (price from `price_str`, exact; time from
// `microtimestamp`), subscription acknowledgements, heartbeat replies, request_reconnect and errors.
#pragma once

#include <cstdint>
#include <string_view>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"
#include "rules/time.h"

namespace hashwatch::connectors::bitstamp {

enum class MessageType : std::uint8_t { kTrade, kAck, kHeartbeat, kReconnect, kError, kOther };

struct Message {
  MessageType type = MessageType::kOther;
  std::string_view channel;  // "live_trades_btcusd"
  double price = 0.0;
  std::int64_t trade_id = 0;  // increasing, not contiguous (allocated across markets)
  TimeNs time_ns = 0;
  std::string_view error;
};

// `frame` must be followed by kFramePadding readable bytes.
ParseStatus parse_message(std::string_view frame, JsonParser& parser, Message& out);

}  // namespace hashwatch::connectors::bitstamp
