#include "connectors/common/feed_stats.h"

#include <spdlog/spdlog.h>

namespace hashwatch::connectors {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kMalformed: return "malformed";
    case ErrorKind::kWrongType: return "wrong_type";
    case ErrorKind::kServerError: return "server_error";
    case ErrorKind::kConnect: return "connect";
    case ErrorKind::kDisconnect: return "disconnect";
    case ErrorKind::kStale: return "stale";
    case ErrorKind::kQueueFull: return "queue_full";
    case ErrorKind::kCount: break;
  }
  return "unknown";
}

ErrorLog::ErrorLog(std::string_view feed, TimeNs quiet_ns) : feed_(feed), quiet_ns_(quiet_ns) {}

void ErrorLog::report(ErrorKind kind, std::string_view detail, TimeNs now_ns) {
  if (last_error_ns_ != 0 && now_ns - last_error_ns_ < quiet_ns_) {
    ++suppressed_;
    last_error_ns_ = now_ns;
    return;
  }
  if (suppressed_ > 0) {
    spdlog::warn("feed {}: {} ({}), {} similar errors suppressed before this one", feed_,
                 error_kind_name(kind), detail, suppressed_);
  } else {
    spdlog::warn("feed {}: {} ({})", feed_, error_kind_name(kind), detail);
  }
  suppressed_ = 0;
  last_error_ns_ = now_ns;
}

}  // namespace hashwatch::connectors
