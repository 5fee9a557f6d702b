// Parses Coinbase Exchange ws-feed frames (`ticker`, `heartbeat`, `subscriptions`, `error`) in place
// with simdjson. Prices arrive as decimal strings and are converted exactly (correctly rounded).
#pragma once

#include <cstdint>
#include <string_view>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"

#include "rules/time.h"

namespace hashwatch::connectors::coinbase {

enum class MessageType : std::uint8_t { kTicker, kHeartbeat, kSubscriptions, kError, kOther };


// String views point into the parser's buffers: valid until the next parse with the same parser.
struct Message {
  MessageType type = MessageType::kOther;
  std::string_view type_name;
  std::string_view product_id;
  double price = 0.0;              // ticker
  std::int64_t sequence = 0;       // ticker, heartbeat
  std::int64_t trade_id = 0;       // ticker: trade_id; heartbeat: last_trade_id (0 = unknown)
  TimeNs time_ns = 0;              // ticker, heartbeat
  std::string_view error_message;  // error
  std::string_view error_reason;   // error
};

// `frame` must be followed by kFramePadding readable bytes (see connectors/common/parse_util.h).
ParseStatus parse_message(std::string_view frame, JsonParser& parser, Message& out);

}  // namespace hashwatch::connectors::coinbase
