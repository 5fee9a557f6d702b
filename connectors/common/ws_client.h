// A resilient WebSocket client for one feed: ws:// or wss:// (TLS with certificate and host name
// verification, SNI), subscribe on connect, data-staleness detection, reconnect with capped full-jitter
// backoff. Beast stays inside ws_client.cc.
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

struct WsClientOptions {
  std::string feed_name;
  std::string url;
  rules::SourceId source = 0;
  TimeNs stale_after_ns = 30 * kNsPerSecond;   // no data frame for this long: down + reconnect
  TimeNs handshake_timeout_ns = 10 * kNsPerSecond;  // resolve + TCP + TLS + WebSocket upgrade
  TimeNs ping_interval_ns = 0;  // 0: stale_after / 2. Keep-alive pings detect dead TCP paths
  BackoffPolicy backoff;
};

class WsClient {
 public:
  WsClient(boost::asio::io_context& io, WsClientOptions options, WsProtocol& protocol,
           EventSink& sink, FeedStats& stats);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void start();  // call on the I/O thread
  void stop();   // call on the I/O thread; the client reconnects no more

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Current UTC time in ns from the system clock: receive timestamps.
TimeNs wall_clock_ns();
// A monotonic clock in ns: durations (staleness, session length) that must not follow clock steps.
TimeNs steady_ns();

}  // namespace hashwatch::connectors
