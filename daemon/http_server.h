// The daemon's HTTP server (Beast, plain TCP, loopback by default): bounded header and body sizes,
// read timeouts, keep-alive. Routing lives in the handler; Beast stays inside http_server.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace hashwatch::daemon {

struct HttpRequest {
  std::string method;
  std::string target;
  std::string authorization;
  std::string body;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpHandler handler);
  ~HttpServer();
  // Binds and starts accepting; call on any thread before the io_context runs, or on its thread.
  bool listen(const std::string& host, std::uint16_t port, std::string* error);
  std::uint16_t port() const;
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hashwatch::daemon
