#include "connectors/common/http_poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <optional>

#include "connectors/common/feed_health.h"
#include "connectors/common/parse_util.h"
#include "connectors/common/url.h"
#include "connectors/common/ws_client.h"

namespace hashwatch::connectors {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct HttpPoller::Impl : std::enable_shared_from_this<HttpPoller::Impl> {
  Impl(asio::io_context& io_, HttpPollerOptions options_, PollProtocol& protocol_,
       EventSink& sink_, FeedStats& stats_)
      : io(io_),
        options(std::move(options_)),
        protocol(protocol_),
        sink(sink_),
        stats(stats_),
        backoff(options.backoff),
        timer(io_),
        stale_timer(io_),
        tls_ctx(ssl::context::tls_client),
        health(options.feed_name, options.source, sink_, stats_) {
    tls_ctx.set_default_verify_paths();
    tls_ctx.set_verify_mode(ssl::verify_peer);
  }

  asio::io_context& io;
  HttpPollerOptions options;
  PollProtocol& protocol;
  EventSink& sink;
  FeedStats& stats;
  Backoff backoff;
  asio::steady_timer timer;
  asio::steady_timer stale_timer;
  ssl::context tls_ctx;
  FeedHealth health;
  std::optional<Endpoint> endpoint;
  std::string prefix;
  bool stopped = false;
  TimeNs last_success_ns = 0;
  std::function<void()> close_current;

  void set_up(bool now_up, TimeNs t) { health.set_up(now_up, t); }
  void error(ErrorKind kind, std::string_view detail) { health.error(kind, detail, wall_clock_ns()); }


  void arm_stale_timer() {
    const TimeNs due_in = last_success_ns + options.stale_after_ns - steady_ns();
    stale_timer.expires_after(std::chrono::nanoseconds(std::max<TimeNs>(due_in, 0)));
    stale_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->stopped) return;
      if (steady_ns() - self->last_success_ns < self->options.stale_after_ns) {
        self->arm_stale_timer();
        return;
      }
      if (self->health.up()) self->error(ErrorKind::kStale, "no successful poll within stale_after");
      self->set_up(false, wall_clock_ns());
    });
  }

  struct ForgetConnection {
    std::function<void()>& close;
    ~ForgetConnection() { close = nullptr; }
  };

  // Sends `pending` and then whatever the protocol asks next on one connection. Returns false when
  // the cycle failed; leaves `pending` set when the server closed and the rest needs a new one.
  static bool absolute(const std::optional<HttpRequestSpec>& spec) {
    return spec && (spec->target.starts_with("http://") || spec->target.starts_with("https://"));
  }

  template <class Stream>
  asio::awaitable<bool> exchange(Stream& stream, std::optional<HttpRequestSpec>& pending,
                                 const Endpoint& ep, bool one_shot) {
    beast::flat_buffer buffer;
    while (pending && !stopped) {
      const HttpRequestSpec& spec = *pending;
      const std::string target = one_shot ? ep.target : prefix + spec.target;
      http::request<http::string_body> req{http::string_to_verb(spec.method), target, 11};
      req.set(http::field::host, ep.host);
      req.set(http::field::user_agent, "hashwatch/0.1");
      req.set(http::field::accept, "application/json, text/plain");
      for (const auto& [k, v] : spec.headers) req.set(k, v);
      if (!spec.body.empty()) {
        if (req[http::field::content_type].empty()) req.set(http::field::content_type, "application/json");
        req.body() = spec.body;
      }
      req.keep_alive(true);
      req.prepare_payload();
      beast::get_lowest_layer(stream).expires_after(
          std::chrono::nanoseconds(options.request_timeout_ns));
      auto [wec, wn] = co_await http::async_write(stream, req, kTuple);
      if (wec) {
        error(ErrorKind::kDisconnect, "request " + spec.target + ": " + wec.message());
        co_return false;
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      auto [rec, rn] = co_await http::async_read(stream, buffer, parser, kTuple);
      if (stopped) co_return false;
      if (rec) {
        error(ErrorKind::kDisconnect, "response " + spec.target + ": " + rec.message());
        co_return false;
      }
      const TimeNs recv = wall_clock_ns();
      stats.messages.fetch_add(1, std::memory_order_relaxed);
      stats.last_event_ns.store(recv, std::memory_order_relaxed);
      auto res = parser.release();
      std::string& body = res.body();
      const std::size_t size = body.size();
      body.resize(size + kFramePadding, '\0');
      if (!protocol.on_response(res.result_int(), std::string_view(body.data(), size), recv, sink)) {
        co_return false;
      }
      pending = protocol.next_request();
      // A request to another host (e.g. a token endpoint) gets its own connection.
      if (one_shot || absolute(pending)) break;
      if (!res.keep_alive()) break;  // the rest of the cycle needs a new connection
    }
    co_return !stopped;
  }

  template <class Stream>
  asio::awaitable<bool> connect(Stream& stream, const tcp::resolver::results_type& results,
                                const Endpoint& ep) {
    beast::get_lowest_layer(stream).expires_after(
        std::chrono::nanoseconds(options.request_timeout_ns));
    auto [cec, connected] = co_await beast::get_lowest_layer(stream).async_connect(results, kTuple);
    if (stopped) co_return false;
    if (cec) {
      error(ErrorKind::kConnect, "connect " + ep.host + ":" + ep.port + ": " + cec.message());
      co_return false;
    }
    co_return true;
  }

  // One connection to `ep`, used for `pending` and what follows it on the same host.
  asio::awaitable<bool> connection(const Endpoint& ep, std::optional<HttpRequestSpec>& pending,
                                   bool one_shot) {
    tcp::resolver resolver(io);
    auto [rec, results] = co_await resolver.async_resolve(ep.host, ep.port, kTuple);
    if (stopped) co_return false;
    if (rec) {
      error(ErrorKind::kConnect, "resolve " + ep.host + ": " + rec.message());
      co_return false;
    }
    if (ep.tls) {
      ssl::stream<beast::tcp_stream> stream(io, tls_ctx);
      ForgetConnection forget{close_current};
      close_current = [&stream]() { beast::get_lowest_layer(stream).close(); };
      if (!SSL_set_tlsext_host_name(stream.native_handle(), ep.host.c_str())) {
        error(ErrorKind::kConnect, "cannot set TLS SNI host name");
        co_return false;
      }
      stream.set_verify_callback(ssl::host_name_verification(ep.host));
      if (!co_await connect(stream, results, ep)) co_return false;
      auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
      if (stopped) co_return false;
      if (hec) {
        error(ErrorKind::kConnect, "TLS handshake with " + ep.host + ": " + hec.message());
        co_return false;
      }
      const bool ok = co_await exchange(stream, pending, ep, one_shot);
      beast::get_lowest_layer(stream).close();
      co_return ok;
    }
    beast::tcp_stream stream(io);
    ForgetConnection forget{close_current};
    close_current = [&stream]() { stream.close(); };
    if (!co_await connect(stream, results, ep)) co_return false;
    const bool ok = co_await exchange(stream, pending, ep, one_shot);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return ok;
  }

  asio::awaitable<bool> cycle() {
    protocol.begin_cycle();
    std::optional<HttpRequestSpec> pending = protocol.next_request();
    while (pending && !stopped) {
      if (absolute(pending)) {
        std::string why;
        auto other = parse_endpoint(pending->target, &why);
        if (!other || other->websocket) {
          error(ErrorKind::kConnect, "bad request URL " + pending->target + ": " + why);
          co_return false;
        }
        if (!co_await connection(*other, pending, /*one_shot=*/true)) co_return false;
      } else {
        if (!co_await connection(*endpoint, pending, /*one_shot=*/false)) co_return false;
      }
    }
    co_return !stopped;
  }

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    last_success_ns = steady_ns();
    arm_stale_timer();
    while (!stopped) {
      bool ok = false;
      try {
        ok = co_await cycle();
      } catch (const std::exception& e) {
        error(ErrorKind::kDisconnect, std::string("poll failed: ") + e.what());
      }
      if (stopped) break;
      TimeNs delay = options.poll_interval_ns;
      const auto newest = protocol.last_new_data_ns();
      const bool publishing =
          !newest || wall_clock_ns() - *newest < options.stale_after_ns;
      if (ok && !publishing) {
        // The source answers, but has published nothing new for stale_after: stale all the same.
        if (health.up()) error(ErrorKind::kStale, "no new data within stale_after");
        set_up(false, wall_clock_ns());
        backoff.reset();
      } else if (ok) {
        last_success_ns = steady_ns();
        backoff.reset();
        set_up(true, wall_clock_ns());
        arm_stale_timer();  // re-armed after every success: a later outage is noticed too
      } else {
        stats.reconnects.fetch_add(1, std::memory_order_relaxed);
        delay = std::min(backoff.next(), options.poll_interval_ns);
      }
      timer.expires_after(std::chrono::nanoseconds(delay));
      co_await timer.async_wait(kTuple);
    }
  }
};

HttpPoller::HttpPoller(asio::io_context& io, HttpPollerOptions options, PollProtocol& protocol,
                       EventSink& sink, FeedStats& stats)
    : impl_(std::make_shared<Impl>(io, std::move(options), protocol, sink, stats)) {}

HttpPoller::~HttpPoller() { stop(); }

void HttpPoller::start() {
  std::string error;
  impl_->endpoint = parse_endpoint(impl_->options.base_url, &error);
  if (!impl_->endpoint || impl_->endpoint->websocket) {
    spdlog::error("feed {}: bad url {}: {}", impl_->options.feed_name, impl_->options.base_url,
                  error.empty() ? "not an http:// or https:// URL" : error);
    return;
  }
  impl_->prefix = impl_->endpoint->target == "/" ? "" : impl_->endpoint->target;
  while (!impl_->prefix.empty() && impl_->prefix.back() == '/') impl_->prefix.pop_back();
  asio::co_spawn(impl_->io, impl_->run(), asio::detached);
}

void HttpPoller::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->health.stop();
  impl_->timer.cancel();
  impl_->stale_timer.cancel();
  if (impl_->close_current) impl_->close_current();
}

}  // namespace hashwatch::connectors
