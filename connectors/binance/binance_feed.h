// Binance spot connector: one combined-stream connection for the configured symbols (`btcusdt`),
// emitting btc_usd{source="<feed>"} from trades (default) or the bookTicker mid price. Trade ids are
// consecutive per symbol, so jumps are counted as lost trades. Binance quotes USDT, not USD: the
// aggregate's deviation check keeps a de-pegged USDT out of the median.
#pragma once

#include <string>
#include <vector>

#include "connectors/common/connector.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/ws_feed.h"

namespace hashwatch::connectors::binance {

class BinanceProtocol final : public WsProtocol {
 public:
  BinanceProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                  rules::SourceId source);
  ~BinanceProtocol() override;

  void on_connected() override;
  std::vector<std::string> subscribe_frames() override;  // none: the URL names the streams
  bool on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) override;
  TimeNs max_connection_age_ns() const override;

 private:
  const FeedConfig& config_;
  FeedStats& stats_;
  rules::SourceId source_;
  std::vector<SymbolState> symbols_;
  JsonParserPtr parser_;
  ErrorLog log_;
};

// The stream URL for a config: its url as given when it already names streams (streams= or /ws/),
// else <url path>/stream?streams=<symbol>@<channel>/... (symbols lower-cased; a query is kept).
std::string stream_url(const FeedConfig& config);

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::binance
