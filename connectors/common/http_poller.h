// Polls a fixed list of HTTP(S) GET targets on one base URL every poll interval (keep-alive within
// a cycle; TLS with verification and SNI). A cycle succeeds when every target answered 2xx and was
// accepted by the protocol; no successful cycle within stale_after marks the feed down.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "connectors/common/backoff.h"
#include "connectors/common/connector.h"
#include "connectors/common/feed_stats.h"
#include "rules/event.h"

namespace boost::asio {
class io_context;
}

namespace hashwatch::connectors {

struct HttpPollerOptions {
  std::string feed_name;
  std::string base_url;  // http(s)://host[:port][/prefix]; targets are appended to the prefix
  rules::SourceId source = 0;
  TimeNs poll_interval_ns = 60 * kNsPerSecond;
  TimeNs stale_after_ns = 180 * kNsPerSecond;
  TimeNs request_timeout_ns = 10 * kNsPerSecond;
  BackoffPolicy backoff;  // retry delays after a failed cycle (never longer than poll_interval)
  std::size_t max_body_bytes = 8 << 20;
};

class HttpPoller {
 public:
  HttpPoller(boost::asio::io_context& io, HttpPollerOptions options, PollProtocol& protocol,
             EventSink& sink, FeedStats& stats);
  ~HttpPoller();
  HttpPoller(const HttpPoller&) = delete;
  HttpPoller& operator=(const HttpPoller&) = delete;

  void start();
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hashwatch::connectors
