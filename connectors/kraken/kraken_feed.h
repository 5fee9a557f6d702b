// Kraken Spot WebSocket v2 connector: subscribes to `ticker` and `trade` for the configured symbols
// (BTC/USD), emits btc_usd{source="<feed>"} from ticker `last` and every trade, counts trade_id gaps
// (sequential per book), and treats a status other than `online` as the feed being down.
#pragma once

#include <string>
#include <vector>

#include "connectors/common/connector.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/ws_feed.h"

namespace hashwatch::connectors::kraken {

struct Message;

class KrakenProtocol final : public WsProtocol {
 public:
  KrakenProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                 rules::SourceId source);
  ~KrakenProtocol() override;

  void on_connected() override;
  std::vector<std::string> subscribe_frames() override;
  bool on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) override;

 private:
  void emit(EventSink& out, SymbolState& s, double price, TimeNs source_ns, TimeNs recv_ns);

  const FeedConfig& config_;
  FeedStats& stats_;
  rules::SourceId source_;
  std::vector<SymbolState> symbols_;
  JsonParserPtr parser_;
  std::unique_ptr<Message> msg_;
  ErrorLog log_;
  bool online_ = true;
};

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::kraken
