// Splits ws://, wss://, http:// and https:// URLs into what a client needs to connect.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hashwatch::connectors {

struct Endpoint {
  bool tls = false;
  bool websocket = false;
  std::string host;    // without brackets for IPv6 literals
  std::string port;    // explicit or the scheme's default
  std::string target;  // path + query, at least "/"
};

// std::nullopt with `error` filled for anything else (other schemes, missing host, userinfo).
std::optional<Endpoint> parse_endpoint(std::string_view url, std::string* error = nullptr);

}  // namespace hashwatch::connectors
