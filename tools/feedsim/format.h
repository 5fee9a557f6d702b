// The feed simulator's extension points. A WebSocket format scripts one connection (frames on
// open, replies to client frames, then a stream of server frames); a REST format answers GETs under
// its prefix. Adding a feed to the simulator is adding one format and one line in main.cc.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/feedsim/faults.h"

namespace hashwatch::feedsim {

struct SimOptions {
  std::string fixtures_dir;
  double rate_per_s = 10.0;  // streamed frames per second per connection
  bool loop = false;         // replay recordings forever (ids and times shifted per cycle)
  std::string ercot_day = "2025-07-01";  // the recorded ERCOT day replayed as "today"
  double ercot_publish_period_s = 900;   // a new 15-min interval is published this often
};

struct Frame {
  std::string text;
  bool has_sequence = false;  // carries a sequence/trade id: skipping it makes a detectable gap
};

// One WebSocket connection's script.
class WsScript {
 public:
  virtual ~WsScript() = default;
  // Frames sent as soon as the connection is accepted (e.g. Kraken's status).
  virtual std::vector<std::string> on_open() { return {}; }
  // Frames to send in reply to a client frame (a subscribe acknowledgement, an error, a pong).
  virtual std::vector<std::string> on_client_frame(std::string_view frame) = 0;
  // True once streaming may begin (usually: the client has subscribed).
  virtual bool streaming() const = 0;
  // The next streamed frame; std::nullopt when the script has nothing more to send.
  virtual std::optional<Frame> next_frame() = 0;
  // A feed-specific control action (POST /control/<feed>/<action>?<query>): frames to push now, or
  // std::nullopt when the action is not this feed's.
  virtual std::optional<std::vector<std::string>> on_control(std::string_view /*action*/,
                                                              std::string_view /*query*/) {
    return std::nullopt;
  }
};

class WsFormat {
 public:
  virtual ~WsFormat() = default;
  virtual std::string_view name() const = 0;  // URL path: /<name>, or /<name>/... for variants
  // How the simulator announces it: "<label> ws://HOST:PORT/<name><path>".
  virtual std::string_view label() const { return name(); }
  virtual std::string_view path() const { return ""; }
  // `target` is the request target after /<name> (path and query), e.g. "/stream?streams=...".
  virtual std::unique_ptr<WsScript> open(std::string_view target) = 0;
};

struct RestResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
};

struct RestRequest {
  std::string_view method;         // GET or POST
  std::string_view path;           // what follows the prefix, e.g. "/api/blocks/tip/height"
  std::string_view query;
  std::string_view body;
  std::string_view authorization;  // Authorization header
  std::string_view api_key;        // X-Hi-Api-Key header
  std::string_view subscription_key;  // Ocp-Apim-Subscription-Key header
};

class RestFormat {
 public:
  virtual ~RestFormat() = default;
  virtual std::string_view name() const = 0;  // URL prefix: /<name>/...
  virtual RestResponse handle(const RestRequest& request) = 0;
  // POST /control/<name>/<action>: std::nullopt when the action is not this feed's.
  virtual std::optional<RestResponse> control(std::string_view /*action*/, std::string_view /*query*/) {
    return std::nullopt;
  }
};

std::string read_file(const std::string& path);  // throws std::runtime_error when unreadable
std::vector<std::string> read_lines(const std::string& path);

}  // namespace hashwatch::feedsim
