// Parses Binance spot market-stream frames, raw (`/ws/<stream>`) or combined (`/stream?streams=`,
// wrapped as {"stream":...,"data":...}): trade, bookTicker, request results, errors, serverShutdown.
#pragma once

#include <cstdint>
#include <string_view>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"
#include "rules/time.h"

namespace hashwatch::connectors::binance {

enum class MessageType : std::uint8_t { kTrade, kBookTicker, kResult, kError, kShutdown, kOther };

struct Message {
  MessageType type = MessageType::kOther;
  std::string_view symbol;    // "BTCUSDT" (payload symbols are upper case)
  double price = 0.0;         // trade: p; bookTicker: (b + a) / 2
  std::int64_t sequence = 0;  // trade: t (consecutive per symbol); bookTicker: u (increasing)
  TimeNs time_ns = 0;         // trade: T (ms); bookTicker has no time: 0
  std::string_view error;     // error message
};

// `frame` must be followed by kFramePadding readable bytes.
ParseStatus parse_message(std::string_view frame, JsonParser& parser, Message& out);

}  // namespace hashwatch::connectors::binance
