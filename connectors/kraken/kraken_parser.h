// Parses Kraken Spot WebSocket v2 frames: status, heartbeat, subscribe acknowledgements and errors,
// pong, and ticker/trade data (prices are JSON numbers, converted correctly rounded).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"
#include "rules/time.h"

namespace hashwatch::connectors::kraken {

enum class MessageType : std::uint8_t {
  kStatus, kHeartbeat, kAck, kError, kPong, kTicker, kTrade, kOther
};

struct Item {
  std::string_view symbol;
  double price = 0.0;         // ticker: last; trade: price
  std::int64_t trade_id = 0;  // trade only
  TimeNs time_ns = 0;         // 0 when the ticker has no timestamp (older servers)
};

inline constexpr std::size_t kMaxItems = 128;

// Views point into the parser's buffers until its next parse.
struct Message {
  MessageType type = MessageType::kOther;
  std::string_view system;  // status: online | maintenance | cancel_only | post_only
  std::string_view error;   // error text (kError)
  std::size_t item_count = 0;
  bool truncated = false;   // more than kMaxItems items (the rest were not read)
  std::array<Item, kMaxItems> items{};
};

// `frame` must be followed by kFramePadding readable bytes.
ParseStatus parse_message(std::string_view frame, JsonParser& parser, Message& out);

}  // namespace hashwatch::connectors::kraken
