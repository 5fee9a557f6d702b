// Per-feed health counters, written by the I/O thread and read at scrape time. Plain atomics: no
// labelled-family look-up per message. Error kinds map 1:1 to hashwatch_feed_errors_total{kind}.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "rules/time.h"

namespace hashwatch::connectors {

enum class ErrorKind : std::uint8_t {
  kMalformed,     // a message that is not valid JSON or lacks a required field
  kWrongType,     // a field of the wrong JSON type or an unparsable number
  kServerError,   // the server said so: an error message, or an HTTP 4xx/5xx status
  kConnect,       // resolve, TCP, TLS or WebSocket handshake failed
  kDisconnect,    // an established connection dropped
  kStale,         // no message within stale_after
  kQueueFull,     // the engine queue was full: event dropped
  kCount,
};

std::string_view error_kind_name(ErrorKind kind);

struct FeedStats {
  std::atomic<std::uint64_t> messages{0};
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<std::uint64_t> sequence_gaps{0};
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(ErrorKind::kCount)> errors{};
  std::atomic<TimeNs> last_event_ns{0};   // receive time of the last message (0: never)
  std::atomic<bool> up{false};

  void count_error(ErrorKind kind) {
    errors[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t error_count(ErrorKind kind) const {
    return errors[static_cast<std::size_t>(kind)].load(std::memory_order_relaxed);
  }
};

// Logs at most one line per feed and error burst: the first error, then a summary of how many were
// suppressed once `quiet_ns` has passed without errors.
class ErrorLog {
 public:
  explicit ErrorLog(std::string_view feed, TimeNs quiet_ns = 10 * kNsPerSecond);
  void report(ErrorKind kind, std::string_view detail, TimeNs now_ns);

 private:
  std::string_view feed_;
  TimeNs quiet_ns_;
  TimeNs last_error_ns_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace hashwatch::connectors
