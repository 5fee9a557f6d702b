// Coinbase Exchange connector: subscribes to `ticker` + `heartbeat` for the configured products and
// emits btc_usd{source="<feed>"} per ticker. Drops stale/duplicate sequences; counts lost tickers
// using heartbeats (see README.md in this folder for the exact rule).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/common/connector.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/feed_config.h"
#include "connectors/common/ws_feed.h"

namespace hashwatch::connectors::coinbase {

class CoinbaseProtocol final : public WsProtocol {
 public:
  CoinbaseProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                   rules::SourceId source);
  ~CoinbaseProtocol() override;

  void on_connected() override;
  std::vector<std::string> subscribe_frames() override;
  bool on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) override;

 private:
  struct Product {
    std::string id;
    rules::SeriesId series;
    std::int64_t last_sequence = 0;  // newest ticker or heartbeat sequence on this connection
    std::int64_t last_trade_id = 0;  // newest trade known from a ticker (or a counted gap)
  };
  Product* find(std::string_view product_id);

  const FeedConfig& config_;
  FeedStats& stats_;
  rules::SourceId source_;
  std::vector<Product> products_;
  JsonParserPtr parser_;
  ErrorLog log_;
};

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::coinbase
