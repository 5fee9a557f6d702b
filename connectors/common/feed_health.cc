#include "connectors/common/feed_health.h"

#include <spdlog/spdlog.h>

namespace hashwatch::connectors {

FeedHealth::FeedHealth(std::string feed_name, rules::SourceId source, EventSink& sink,
                       FeedStats& stats)
    : feed_name_(std::move(feed_name)), source_(source), sink_(sink), stats_(stats), log_(feed_name_) {}

void FeedHealth::set_up(bool up, TimeNs now_ns) {
  if (stopped_ || up_ == up) return;
  // Commit the change only once the engine has it; a full queue retries on the next call.
  if (!push_or_count(sink_, rules::feed_event(source_, up, now_ns), stats_)) return;
  up_ = up;
  stats_.up.store(up, std::memory_order_relaxed);
  if (up) {
    spdlog::info("feed {}: up", feed_name_);
  } else {
    spdlog::warn("feed {}: down", feed_name_);
  }
}

void FeedHealth::error(ErrorKind kind, std::string_view detail, TimeNs now_ns) {
  if (stopped_) return;
  stats_.count_error(kind);
  log_.report(kind, detail, now_ns);
}

void report_parse_error(FeedStats& stats, ErrorLog& log, ParseStatus status,
                        std::string_view frame, TimeNs recv_ns) {
  const ErrorKind kind = to_error_kind(status);
  stats.count_error(kind);
  log.report(kind, std::string(parse_status_name(status)) + ": " + std::string(frame.substr(0, 200)),
             recv_ns);
}

void report_server_error(FeedStats& stats, ErrorLog& log, std::string_view detail, TimeNs recv_ns) {
  stats.count_error(ErrorKind::kServerError);
  log.report(ErrorKind::kServerError, detail, recv_ns);
}

bool http_ok(unsigned status, std::string_view what, std::string_view body, FeedStats& stats,
             ErrorLog& log, TimeNs recv_ns) {
  if (status >= 200 && status < 300) return true;
  report_server_error(stats, log,
                      std::string(what) + " -> HTTP " + std::to_string(status) + ": " +
                          std::string(body.substr(0, 120)),
                      recv_ns);
  return false;
}

}  // namespace hashwatch::connectors
