// The connector registry: one line per `kind`, naming its config keys, defaults and factory.
// Adding a connector is adding its folder and one line in registry.cc.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/connector.h"
#include "connectors/common/feed_config.h"
#include "connectors/common/feed_stats.h"
#include "rules/series_registry.h"

namespace boost::asio {
class io_context;
}

namespace hashwatch::connectors {

// A running feed: its wire client, its protocol and its health counters.
class Feed {
 public:
  virtual ~Feed() = default;
  virtual void start() = 0;  // on the I/O thread
  virtual void stop() = 0;   // on the I/O thread; idempotent
  virtual const FeedConfig& config() const = 0;
  virtual FeedStats& stats() = 0;
};

using FeedFactory = std::unique_ptr<Feed> (*)(const FeedConfig&, boost::asio::io_context&,
                                              rules::SeriesRegistry&, EventSink&);

struct ConnectorKind {
  std::string_view kind;
  std::string_view url_schemes;  // "ws" (ws:// or wss://), "http" (http:// or https://), "" (no URL)
  bool price_source;             // feeds btc_usd{source}: counts for the aggregate and /readyz
  std::span<const std::string_view> keys;  // accepted YAML keys besides name/kind
  void (*apply_defaults)(FeedConfig&);
  FeedFactory make;
};

std::span<const ConnectorKind> connector_kinds();
const ConnectorKind* find_connector_kind(std::string_view kind);

}  // namespace hashwatch::connectors
