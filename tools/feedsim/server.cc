#include "tools/feedsim/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <set>

namespace hashwatch::feedsim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

// State shared by a WebSocket connection's reader and writer coroutines, and the control endpoint.
struct WsConnection {
  explicit WsConnection(tcp::socket socket)
      : ws(std::move(socket)), wake(ws.get_executor()) {}
  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer wake;
  std::deque<std::string> replies;
  std::unique_ptr<WsScript> script;
  std::string format;
  Faults faults;
  bool closed = false;
  // Live faults set through POST /control/<format>/<action>.
  bool stalled = false;
  bool disconnect = false;
  std::optional<std::uint16_t> close_code;
  bool gap_next = false;      // drop the next frame that carries a sequence
  bool garble_next = false;   // truncate the next frame
};

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io_, SimOptions options_, std::vector<std::unique_ptr<WsFormat>> ws_,
       std::vector<std::unique_ptr<RestFormat>> rest_)
      : io(io_), acceptor(io_), options(std::move(options_)), ws_formats(std::move(ws_)),
        rest_formats(std::move(rest_)) {}

  asio::io_context& io;
  tcp::acceptor acceptor;
  std::string host;
  SimOptions options;
  std::vector<std::unique_ptr<WsFormat>> ws_formats;
  std::vector<std::unique_ptr<RestFormat>> rest_formats;

  std::vector<std::weak_ptr<WsConnection>> live;

  WsFormat* find_ws(std::string_view path) {
    for (auto& f : ws_formats) {
      const std::string prefix = "/" + std::string(f->name());
      if (path == prefix || path.starts_with(prefix + "/")) return f.get();
    }
    return nullptr;
  }

  // POST /control/<format>/<action>[?code=N]: acts on every live connection of the format.
  RestResponse control(std::string_view path, std::string_view query) {
    const auto slash = path.find('/');
    if (slash == std::string_view::npos) return {400, "text/plain", "use /control/<format>/<action>\n"};
    const std::string format(path.substr(0, slash));
    const std::string action(path.substr(slash + 1));
    for (auto& f : rest_formats) {
      if (f->name() != format) continue;
      if (auto r = f->control(action, query)) return *r;
    }
    static const std::set<std::string> kActions{"disconnect", "close", "stall", "resume", "gap", "garble"};
    const bool generic = kActions.contains(action);
    std::size_t n = 0;
    std::erase_if(live, [](const auto& w) { return w.expired(); });
    for (auto& w : live) {
      auto c = w.lock();
      if (!c || c->closed || c->format != format) continue;
      if (!generic) {
        auto frames = c->script->on_control(action, query);
        if (!frames) return {400, "text/plain", "unknown action " + action + "\n"};
        for (auto& f : *frames) c->replies.push_back(std::move(f));
        ++n;
        c->wake.cancel();
        continue;
      }
      ++n;
      if (action == "disconnect") c->disconnect = true;
      if (action == "close") {
        std::uint16_t code = 1001;
        if (auto p = query.find("code="); p != std::string_view::npos) {
          code = static_cast<std::uint16_t>(std::stoi(std::string(query.substr(p + 5))));
        }
        c->close_code = code;
      }
      if (action == "stall") c->stalled = true;
      if (action == "resume") c->stalled = false;
      if (action == "gap") c->gap_next = true;
      if (action == "garble") c->garble_next = true;
      c->wake.cancel();
    }
    spdlog::info("feedsim: control {} {} on {} connection(s)", format, action, n);
    return {200, "application/json", R"({"connections":)" + std::to_string(n) + "}"};
  }

  asio::awaitable<void> ws_reader(std::shared_ptr<WsConnection> c) {
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await c->ws.async_read(buffer, kTuple);
      if (ec) break;
      const std::string frame = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      for (auto& r : c->script->on_client_frame(frame)) c->replies.push_back(std::move(r));
      c->wake.cancel();
    }
    c->closed = true;
    c->wake.cancel();
  }

  asio::awaitable<void> ws_writer(std::shared_ptr<WsConnection> c) {
    using clock = std::chrono::steady_clock;
    const auto period = std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>(1.0 / std::max(options.rate_per_s, 1e-3)));
    auto next_due = clock::now();
    std::uint64_t streamed = 0;  // frames taken from the script (faults count these)
    for (auto& f : c->script->on_open()) c->replies.push_back(std::move(f));
    while (!c->closed) {
      if (c->disconnect || c->close_code) {
        if (c->close_code) {
          co_await c->ws.async_close(websocket::close_reason(*c->close_code), kTuple);
        }
        co_return;
      }
      const bool stalled = c->stalled || (c->faults.stall_after && streamed >= *c->faults.stall_after);
      // A stalled server is silent: it answers nothing either (heartbeat requests included).
      if (stalled) c->replies.clear();
      while (!c->replies.empty()) {
        const std::string frame = std::move(c->replies.front());
        c->replies.pop_front();
        auto [ec, n] = co_await c->ws.async_write(asio::buffer(frame), kTuple);
        if (ec) co_return;
      }
      if (c->script->streaming() && !stalled && clock::now() >= next_due) {
        next_due += period;
        if (c->faults.disconnect_after && streamed >= *c->faults.disconnect_after) {
          if (c->faults.close_code) c->close_code = c->faults.close_code;
          else c->disconnect = true;
          continue;
        }
        std::optional<Frame> frame = c->script->next_frame();
        if (frame) {
          ++streamed;
          if (c->faults.skip_at && streamed == *c->faults.skip_at) continue;
          if (c->gap_next && frame->has_sequence) {
            c->gap_next = false;
            continue;
          }
          if ((c->faults.malformed_at && streamed == *c->faults.malformed_at) || c->garble_next) {
            c->garble_next = false;
            frame->text = frame->text.substr(0, frame->text.size() / 2);  // truncated JSON
          }
          auto [ec, n] = co_await c->ws.async_write(asio::buffer(frame->text), kTuple);
          if (ec) co_return;
          continue;
        }
      }
      // Sleep until the next frame is due (or until woken when stalled or idle); a client frame,
      // a control action or a close wakes the writer early by cancelling the timer.
      if (c->script->streaming() && !stalled) {
        c->wake.expires_at(next_due);
      } else {
        c->wake.expires_after(std::chrono::hours(24));
      }
      co_await c->wake.async_wait(kTuple);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto self = shared_from_this();
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      stream.expires_after(std::chrono::seconds(30));
      auto [ec, n] = co_await http::async_read(stream, buffer, req, kTuple);
      if (ec) co_return;
      const std::string target(req.target());
      const auto q = target.find('?');
      const std::string path = target.substr(0, q);
      const std::string query = q == std::string::npos ? "" : target.substr(q + 1);

      if (websocket::is_upgrade(req)) {
        WsFormat* format = find_ws(path);
        std::string fault_error;
        auto faults = parse_faults(query, &fault_error);
        if (format == nullptr || !faults) {
          http::response<http::string_body> res{http::status::not_found, req.version()};
          res.body() = format == nullptr ? "no such feed\n" : fault_error + "\n";
          res.prepare_payload();
          co_await http::async_write(stream, res, kTuple);
          co_return;
        }
        stream.expires_never();
        auto c = std::make_shared<WsConnection>(stream.release_socket());
        const std::string prefix = "/" + std::string(format->name());
        c->script = format->open(std::string_view(target).substr(prefix.size()));
        c->format = std::string(format->name());
        c->faults = *faults;
        live.push_back(c);
        c->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        auto [aec] = co_await c->ws.async_accept(req, kTuple);
        if (aec) co_return;
        spdlog::info("feedsim: {} client connected{}", format->name(),
                     faults->any() ? " (faults: " + query + ")" : "");
        if (!faults->slow_reader) asio::co_spawn(io, ws_reader(c), asio::detached);
        co_await ws_writer(c);
        c->closed = true;
        beast::error_code ignored;
        beast::get_lowest_layer(c->ws).socket().close(ignored);
        co_return;
      }

      http::response<http::string_body> res{http::status::ok, req.version()};
      res.keep_alive(req.keep_alive());
      bool found = false;
      if (path.starts_with("/control/") && req.method() == http::verb::post) {
        RestResponse r = control(std::string_view(path).substr(9), query);
        res.result(static_cast<http::status>(r.status));
        res.set(http::field::content_type, r.content_type);
        res.body() = std::move(r.body);
        found = true;
      }
      for (auto& f : rest_formats) {
        if (found) break;
        const std::string prefix = "/" + std::string(f->name());
        if (path.starts_with(prefix + "/")) {
          const RestRequest request{req.method_string(), std::string_view(path).substr(prefix.size()),
                                    query, req.body(), req[http::field::authorization],
                                    req["X-Hi-Api-Key"], req["Ocp-Apim-Subscription-Key"]};
          RestResponse r = f->handle(request);
          res.result(static_cast<http::status>(r.status));
          res.set(http::field::content_type, r.content_type);
          res.body() = std::move(r.body);
          found = true;
          break;
        }
      }
      if (!found) {
        res.result(http::status::not_found);
        res.set(http::field::content_type, "text/plain");
        res.body() = "Not Found";
      }
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
      if (wec || !req.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        continue;
      }
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

Server::Server(asio::io_context& io, SimOptions options,
               std::vector<std::unique_ptr<WsFormat>> ws_formats,
               std::vector<std::unique_ptr<RestFormat>> rest_formats)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(ws_formats),
                                   std::move(rest_formats))) {}

Server::~Server() {
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

bool Server::listen(const std::string& host, std::uint16_t port, std::string* error) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    if (error) *error = "\"" + host + "\" is not an IP address";
    return false;
  }
  const tcp::endpoint endpoint(address, port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    if (error) *error = ec.message();
    return false;
  }
  impl_->host = host;
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  return true;
}

std::uint16_t Server::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

std::vector<std::string> Server::urls() const {
  std::vector<std::string> out;
  const std::string base = impl_->host + ":" + std::to_string(port());
  for (auto& f : impl_->ws_formats) {
    out.push_back(std::string(f->label()) + " ws://" + base + "/" + std::string(f->name()) +
                  std::string(f->path()));
  }
  for (auto& f : impl_->rest_formats) {
    out.push_back(std::string(f->name()) + " http://" + base + "/" + std::string(f->name()));
  }
  return out;
}

}  // namespace hashwatch::feedsim
