#include "connectors/common/url.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace hashwatch::connectors {

std::optional<Endpoint> parse_endpoint(std::string_view url, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<Endpoint> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return fail("not an absolute URL");
  const boost::urls::url_view& u = *parsed;
  Endpoint ep;
  const std::string scheme(u.scheme());
  if (scheme == "ws") {
    ep.websocket = true;
  } else if (scheme == "wss") {
    ep.websocket = true;
    ep.tls = true;
  } else if (scheme == "http") {
  } else if (scheme == "https") {
    ep.tls = true;
  } else {
    return fail("unsupported scheme \"" + scheme + "\" (use ws, wss, http or https)");
  }
  if (u.has_userinfo()) return fail("credentials in URLs are not allowed; use a *_file key");
  std::string host(u.encoded_host());
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return fail("missing host");
  ep.host = std::move(host);
  if (u.has_port()) {
    ep.port = std::string(u.port());
  } else {
    ep.port = std::string(ep.tls ? "443" : "80");
  }
  std::string target(u.encoded_path());
  if (target.empty()) target.push_back('/');
  if (u.has_query()) {
    target += '?';
    target += std::string(u.encoded_query());
  }
  ep.target = std::move(target);
  return ep;
}

}  // namespace hashwatch::connectors
