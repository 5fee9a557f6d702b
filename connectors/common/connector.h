// The narrow interface between the wire (ws_client, http_poller) and a feed's protocol: a protocol
// turns bytes into engine events and knows nothing of sockets, TLS or Asio.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/feed_stats.h"
#include "rules/event.h"

namespace hashwatch::connectors {

// Where connectors put events. Called on the I/O thread; must not block.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // False when the event could not be queued (counted by the caller as kQueueFull).
  virtual bool push(const rules::Event& event) = 0;
};

// Queues an event for the engine; a full queue is counted as kQueueFull on the feed's stats.
inline bool push_or_count(EventSink& sink, const rules::Event& event, FeedStats& stats) {
  if (sink.push(event)) return true;
  stats.count_error(ErrorKind::kQueueFull);
  return false;
}

// A WebSocket feed's protocol. `frame` is followed by kFramePadding readable bytes.
class WsProtocol {
 public:
  virtual ~WsProtocol() = default;
  // Called after every (re)connect, before subscribe_frames: reset per-connection state.
  virtual void on_connected() {}
  virtual std::vector<std::string> subscribe_frames() = 0;
  // Parses one text frame; emits events; counts its own errors in `stats`. Returns false when the
  // connection should be dropped and re-established (e.g. the server said the subscription failed).
  virtual bool on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) = 0;
  // An application-level keep-alive the client sends every interval while connected (0: none),
  // for feeds whose server stays silent unless asked (Bitstamp's bts:heartbeat).
  virtual TimeNs keepalive_interval_ns() const { return 0; }
  virtual std::string_view keepalive_frame() const { return {}; }
  // Connections older than this are replaced before the server drops them (0: never).
  virtual TimeNs max_connection_age_ns() const { return 0; }
  // Largest message accepted; a bigger one drops the connection.
  virtual std::size_t max_message_bytes() const { return 1 << 20; }
};

// One HTTP request of a poll cycle.
struct HttpRequestSpec {
  std::string method = "GET";
  std::string target;  // path + query, appended to the base URL's path; or an absolute http(s)
                       // URL for a request to another host (its own connection)
  std::string body;    // sent with Content-Type: application/json unless a header says otherwise
  std::vector<std::pair<std::string, std::string>> headers;
};

// An HTTP polling feed's protocol: each poll cycle is a sequence of requests the protocol chooses
// one at a time (so a response can decide the next request, e.g. which blocks to fetch).
class PollProtocol {
 public:
  virtual ~PollProtocol() = default;
  virtual void begin_cycle() = 0;
  // The next request of this cycle; std::nullopt ends it.
  virtual std::optional<HttpRequestSpec> next_request() = 0;
  // The answer to the last request, any status. `body` is followed by kFramePadding readable bytes.
  // Returns false when it was not usable: the cycle then fails (and is retried with backoff).
  virtual bool on_response(unsigned status, std::string_view body, TimeNs recv_ns,
                           EventSink& out) = 0;
  // For sources that publish on a cadence (power markets): receive time of the last new data. A
  // feed whose polls succeed but whose market stopped publishing goes stale after stale_after.
  virtual std::optional<TimeNs> last_new_data_ns() const { return std::nullopt; }
};

}  // namespace hashwatch::connectors
