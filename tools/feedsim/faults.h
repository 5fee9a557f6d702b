// Per-connection fault injection, chosen by the client through the URL's query string, e.g.
// ws://127.0.0.1:PORT/coinbase?disconnect_after=5&malformed_at=3. Counts are streamed frames.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hashwatch::feedsim {

struct Faults {
  std::optional<std::uint64_t> disconnect_after;  // close the TCP connection after N frames
  std::optional<std::uint64_t> stall_after;       // keep the socket open but send nothing after N
  std::optional<std::uint64_t> malformed_at;      // replace frame N (1-based) with broken JSON
  std::optional<std::uint64_t> skip_at;           // drop frame N (1-based): a sequence gap
  std::optional<std::uint16_t> close_code;        // with disconnect_after: a WebSocket close code
  bool slow_reader = false;  // never read client frames (subscriptions and pongs go unanswered)

  bool any() const;
};

// Bad numbers for fault keys are errors (the message names them); other keys are ignored.
std::optional<Faults> parse_faults(std::string_view query, std::string* error);

}  // namespace hashwatch::feedsim
