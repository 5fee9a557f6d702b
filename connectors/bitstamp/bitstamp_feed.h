// Bitstamp WebSocket v2 connector: subscribes to live_trades_<pair> for the configured pairs
// (btcusd), emits btc_usd{source="<feed>"} per trade, drops trades whose id is not newer (ids are not
// contiguous: no gap counting), sends bts:heartbeat so a quiet market still proves the connection,
// and reconnects when the server asks (bts:request_reconnect).
#pragma once

#include <string>
#include <vector>

#include "connectors/common/connector.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/ws_feed.h"

namespace hashwatch::connectors::bitstamp {

class BitstampProtocol final : public WsProtocol {
 public:
  BitstampProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                   rules::SourceId source);
  ~BitstampProtocol() override;

  void on_connected() override;
  std::vector<std::string> subscribe_frames() override;
  bool on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) override;
  TimeNs keepalive_interval_ns() const override;
  std::string_view keepalive_frame() const override;

 private:
  const FeedConfig& config_;
  FeedStats& stats_;
  rules::SourceId source_;
  std::vector<SymbolState> symbols_;  // symbol = channel name, e.g. live_trades_btcusd
  JsonParserPtr parser_;
  ErrorLog log_;
};

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::bitstamp
