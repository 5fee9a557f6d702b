// mempool.space WebSocket connector (`kind: mempool_ws`): wants "blocks" and "stats", and on every
// new block emits block_height, difficulty and block_fees_btc at once (so hashprice follows a block
// within milliseconds), plus retarget_change_pct from the difficulty-adjustment estimate. Sends
// mempool's application ping when idle, as mempool's own frontend does.
#pragma once

#include <string>
#include <vector>

#include "connectors/common/connector.h"
#include "connectors/common/network_series.h"
#include "connectors/common/json_parser.h"
#include "connectors/common/ws_feed.h"

namespace hashwatch::connectors::mempool {

class MempoolWsProtocol final : public WsProtocol {
 public:
  MempoolWsProtocol(const FeedConfig& config, rules::SeriesRegistry& registry, FeedStats& stats,
                    rules::SourceId source);
  ~MempoolWsProtocol() override;

  std::vector<std::string> subscribe_frames() override;
  bool on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) override;
  TimeNs keepalive_interval_ns() const override;
  std::string_view keepalive_frame() const override;
  std::size_t max_message_bytes() const override { return 16 << 20; }  // initial frames are large

 private:
  void emit(EventSink& out, rules::SeriesId series, double value, TimeNs source_ns, TimeNs recv_ns);

  const FeedConfig& config_;
  FeedStats& stats_;
  rules::SourceId source_;
  NetworkSeries series_;
  JsonParserPtr parser_;
  ErrorLog log_;
};

void apply_ws_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_ws_feed(const FeedConfig& config, boost::asio::io_context& io,
                                   rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::mempool
