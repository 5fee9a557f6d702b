// The simulator's one listening socket: WebSocket upgrades on /<format> and REST GETs under
// /<format>/..., each WebSocket connection with its own script and faults (from the query string).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tools/feedsim/format.h"

namespace boost::asio {
class io_context;
}

namespace hashwatch::feedsim {

class Server {
 public:
  Server(boost::asio::io_context& io, SimOptions options,
         std::vector<std::unique_ptr<WsFormat>> ws_formats,
         std::vector<std::unique_ptr<RestFormat>> rest_formats);
  ~Server();
  bool listen(const std::string& host, std::uint16_t port, std::string* error);
  std::uint16_t port() const;
  // "name url" lines, one per format, e.g. "coinbase ws://127.0.0.1:40000/coinbase".
  std::vector<std::string> urls() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hashwatch::feedsim
