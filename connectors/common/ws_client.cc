#include "connectors/common/ws_client.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>

#include "connectors/common/feed_health.h"
#include "connectors/common/parse_util.h"
#include "connectors/common/url.h"

namespace hashwatch::connectors {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using namespace asio::experimental::awaitable_operators;
constexpr TimeNs kHealthySessionNs = 5 * kNsPerSecond;

TimeNs steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

TimeNs wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct WsClient::Impl : std::enable_shared_from_this<WsClient::Impl> {
  Impl(asio::io_context& io_, WsClientOptions options_, WsProtocol& protocol_, EventSink& sink_,
       FeedStats& stats_)
      : io(io_),
        options(std::move(options_)),
        protocol(protocol_),
        sink(sink_),
        stats(stats_),
        backoff(options.backoff),
        retry_timer(io_),
        stale_timer(io_),
        age_timer(io_),
        tls_ctx(ssl::context::tls_client),
        health(options.feed_name, options.source, sink_, stats_) {
    tls_ctx.set_default_verify_paths();
    tls_ctx.set_verify_mode(ssl::verify_peer);
  }

  asio::io_context& io;
  WsClientOptions options;
  WsProtocol& protocol;
  EventSink& sink;
  FeedStats& stats;
  Backoff backoff;
  asio::steady_timer retry_timer;
  asio::steady_timer stale_timer;
  asio::steady_timer age_timer;
  ssl::context tls_ctx;
  FeedHealth health;
  std::optional<Endpoint> endpoint;
  bool stopped = false;
  bool planned_close = false;   // the current connection is being replaced on purpose
  TimeNs last_message_ns = 0;   // steady clock: staleness must not follow wall-clock steps
  std::function<void()> close_current;  // closes the live connection, if any

  void set_up(bool now_up, TimeNs t) { health.set_up(now_up, t); }
  void error(ErrorKind kind, std::string_view detail) { health.error(kind, detail, wall_clock_ns()); }


  // Data staleness: a feed that keeps its socket open but sends nothing is down and reconnected.
  void arm_stale_timer() {
    const TimeNs due_in = last_message_ns + options.stale_after_ns - steady_ns();
    stale_timer.expires_after(std::chrono::nanoseconds(std::max<TimeNs>(due_in, 0)));
    stale_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->stopped) return;
      if (steady_ns() - self->last_message_ns < self->options.stale_after_ns) {
        self->arm_stale_timer();
        return;
      }
      self->error(ErrorKind::kStale, "no message within stale_after");
      self->set_up(false, wall_clock_ns());
      if (self->close_current) self->close_current();
    });
  }

  template <class Stream>
  asio::awaitable<void> read_loop(Stream& ws) {
    const std::size_t max_bytes = protocol.max_message_bytes();
    beast::flat_buffer buffer(max_bytes + kFramePadding);
    ws.read_message_max(max_bytes);
    for (;;) {
      auto [ec, n] = co_await ws.async_read(buffer, kTuple);
      if (ec) {
        if (!stopped && ec != websocket::error::closed && ec != asio::error::operation_aborted) {
          error(ErrorKind::kDisconnect, ec.message());
        } else if (!stopped && ec == websocket::error::closed) {
          const auto& reason = ws.reason();
          error(ErrorKind::kDisconnect,
                fmt::format("closed by server: code {} {}", static_cast<int>(reason.code),
                            std::string(reason.reason.data(), reason.reason.size())));
        }
        co_return;
      }
      if (stopped) co_return;
      const TimeNs recv = wall_clock_ns();
      last_message_ns = steady_ns();
      stats.messages.fetch_add(1, std::memory_order_relaxed);
      stats.last_event_ns.store(recv, std::memory_order_relaxed);
      buffer.prepare(kFramePadding);  // guarantees readable padding after the frame
      const auto data = buffer.cdata();
      const std::string_view frame(static_cast<const char*>(data.data()), data.size());
      set_up(true, recv);
      const bool keep = protocol.on_message(frame, recv, sink);
      buffer.consume(buffer.size());
      if (!keep) {
        spdlog::warn("feed {}: protocol asked to reconnect", options.feed_name);
        co_return;
      }
    }
  }

  template <class Stream>
  asio::awaitable<void> keepalive_loop(Stream& ws) {
    asio::steady_timer timer(io);
    const std::string frame(protocol.keepalive_frame());
    for (;;) {
      timer.expires_after(std::chrono::nanoseconds(protocol.keepalive_interval_ns()));
      auto [tec] = co_await timer.async_wait(kTuple);
      if (tec || stopped) co_return;
      auto [wec, n] = co_await ws.async_write(asio::buffer(frame), kTuple);
      if (wec || stopped) co_return;
    }
  }

  template <class Stream>
  asio::awaitable<void> session_after_handshake(Stream& ws) {
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::nanoseconds(options.handshake_timeout_ns);
    // Beast's suggested client settings disable idle detection; a dead TCP path must be noticed.
    const TimeNs ping = options.ping_interval_ns > 0 ? options.ping_interval_ns
                                                     : options.stale_after_ns / 2;
    timeout.idle_timeout = std::chrono::nanoseconds(2 * ping);
    timeout.keep_alive_pings = true;
    ws.set_option(timeout);
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "hashwatch/0.1");
    }));
    auto [hs_ec] = co_await ws.async_handshake(endpoint->host, endpoint->target, kTuple);
    if (stopped) co_return;  // the feed that owns the protocol may be gone
    if (hs_ec) {
      error(ErrorKind::kConnect, "websocket handshake: " + hs_ec.message());
      co_return;
    }
    beast::get_lowest_layer(ws).expires_never();
    ws.text(true);
    protocol.on_connected();
    for (const std::string& frame : protocol.subscribe_frames()) {
      auto [wec, wn] = co_await ws.async_write(asio::buffer(frame), kTuple);
      if (stopped) co_return;
      if (wec) {
        error(ErrorKind::kDisconnect, "subscribe: " + wec.message());
        co_return;
      }
    }
    spdlog::info("feed {}: connected to {}", options.feed_name, options.url);
    last_message_ns = steady_ns();
    arm_stale_timer();
    close_current = [&ws]() {
      beast::error_code ignored;
      beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(ws).socket().close(ignored);
    };
    if (const TimeNs age = protocol.max_connection_age_ns(); age > 0) {
      age_timer.expires_after(std::chrono::nanoseconds(age));
      age_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->stopped || !self->close_current) return;
        spdlog::info("feed {}: connection reached its maximum age; replacing it",
                     self->options.feed_name);
        self->planned_close = true;
        self->close_current();
      });
    }
    if (protocol.keepalive_interval_ns() > 0) {
      // Both loops end together: the keep-alive is cancelled once the reader returns, and the
      // stream outlives both.
      co_await (read_loop(ws) || keepalive_loop(ws));
    } else {
      co_await read_loop(ws);
    }
    stale_timer.cancel();
    age_timer.cancel();
  }

  asio::awaitable<bool> connect(beast::tcp_stream& tcp_layer) {
    tcp::resolver resolver(io);
    tcp_layer.expires_after(std::chrono::nanoseconds(options.handshake_timeout_ns));
    close_current = [&resolver]() { resolver.cancel(); };
    auto [rec, results] = co_await resolver.async_resolve(endpoint->host, endpoint->port, kTuple);
    close_current = nullptr;
    if (stopped) co_return false;
    if (rec) {
      error(ErrorKind::kConnect, "resolve " + endpoint->host + ": " + rec.message());
      co_return false;
    }
    close_current = [&tcp_layer]() { tcp_layer.close(); };
    auto [cec, ep] = co_await tcp_layer.async_connect(results, kTuple);
    if (stopped) co_return false;
    if (cec) {
      error(ErrorKind::kConnect, "connect " + endpoint->host + ":" + endpoint->port + ": " + cec.message());
      co_return false;
    }
    tcp_layer.socket().set_option(tcp::no_delay(true));
    co_return true;
  }

  // Forgets the live connection when a session's stream goes out of scope.
  struct ForgetConnection {
    std::function<void()>& close;
    ~ForgetConnection() { close = nullptr; }
  };

  asio::awaitable<void> plain_session() {
    websocket::stream<beast::tcp_stream> ws(io);
    ForgetConnection forget{close_current};
    if (!co_await connect(beast::get_lowest_layer(ws))) co_return;
    co_await session_after_handshake(ws);
  }

  asio::awaitable<void> tls_session() {
    websocket::stream<ssl::stream<beast::tcp_stream>> ws(io, tls_ctx);
    ForgetConnection forget{close_current};
    if (!SSL_set_tlsext_host_name(ws.next_layer().native_handle(), endpoint->host.c_str())) {
      error(ErrorKind::kConnect, "cannot set TLS SNI host name");
      co_return;
    }
    ws.next_layer().set_verify_callback(ssl::host_name_verification(endpoint->host));
    if (!co_await connect(beast::get_lowest_layer(ws))) co_return;
    auto [tec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client, kTuple);
    if (stopped) co_return;
    if (tec) {
      error(ErrorKind::kConnect, "TLS handshake with " + endpoint->host + ": " + tec.message());
      co_return;
    }
    co_await session_after_handshake(ws);
  }

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    bool first = true;
    while (!stopped) {
      if (!first) stats.reconnects.fetch_add(1, std::memory_order_relaxed);
      first = false;
      const std::uint64_t before = stats.messages.load(std::memory_order_relaxed);
      const TimeNs started = steady_ns();
      planned_close = false;
      try {
        if (endpoint->tls) {
          co_await tls_session();
        } else {
          co_await plain_session();
        }
      } catch (const std::exception& e) {
        // Nothing may end the reconnect loop but stop().
        error(ErrorKind::kDisconnect, std::string("session failed: ") + e.what());
      }
      if (stopped) break;
      if (planned_close) {
        backoff.reset();
        continue;  // a planned rotation: reconnect at once, without going down
      }
      set_up(false, wall_clock_ns());
      // Only a session that lived a while and delivered data resets the backoff: a server that
      // answers every connect with an error and a close must not get a reconnect storm.
      if (stats.messages.load(std::memory_order_relaxed) != before &&
          steady_ns() - started >= kHealthySessionNs) {
        backoff.reset();
      }
      const TimeNs delay = backoff.next();
      spdlog::info("feed {}: reconnecting in {} ms", options.feed_name, delay / kNsPerMs);
      retry_timer.expires_after(std::chrono::nanoseconds(delay));
      co_await retry_timer.async_wait(kTuple);
    }
  }
};

WsClient::WsClient(asio::io_context& io, WsClientOptions options, WsProtocol& protocol,
                   EventSink& sink, FeedStats& stats)
    : impl_(std::make_shared<Impl>(io, std::move(options), protocol, sink, stats)) {}

WsClient::~WsClient() { stop(); }

void WsClient::start() {
  std::string error;
  impl_->endpoint = parse_endpoint(impl_->options.url, &error);
  if (!impl_->endpoint || !impl_->endpoint->websocket) {
    spdlog::error("feed {}: bad url {}: {}", impl_->options.feed_name, impl_->options.url,
                  error.empty() ? "not a ws:// or wss:// URL" : error);
    return;
  }
  asio::co_spawn(impl_->io, impl_->run(), asio::detached);
}

void WsClient::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->health.stop();
  impl_->retry_timer.cancel();
  impl_->stale_timer.cancel();
  impl_->age_timer.cancel();
  if (impl_->close_current) impl_->close_current();
}

}  // namespace hashwatch::connectors
