#include "connectors/mempool/mempool_ws_feed.h"

#include "connectors/common/feed_health.h"
#include "connectors/mempool/mempool_ws_parser.h"
#include "rules/hashprice.h"

namespace hashwatch::connectors::mempool {

MempoolWsProtocol::MempoolWsProtocol(const FeedConfig& config, rules::SeriesRegistry& registry,
                                     FeedStats& stats, rules::SourceId source)
    : config_(config),
      stats_(stats),
      source_(source),
      series_(registry),
      parser_(make_json_parser()),
      log_(config_.name) {}

MempoolWsProtocol::~MempoolWsProtocol() = default;

std::vector<std::string> MempoolWsProtocol::subscribe_frames() {
  return {R"({"action":"want","data":["blocks","stats"]})"};
}

TimeNs MempoolWsProtocol::keepalive_interval_ns() const {
  // mempool's frontend pings after 30 s of silence; a ping well inside stale_after does the same.
  return std::min<TimeNs>(30 * kNsPerSecond, std::max<TimeNs>(config_.stale_after_ns / 3, 100 * kNsPerMs));
}

std::string_view MempoolWsProtocol::keepalive_frame() const { return R"({"action":"ping"})"; }

void MempoolWsProtocol::emit(EventSink& out, rules::SeriesId series, double value,
                             TimeNs source_ns, TimeNs recv_ns) {
  push_or_count(out, rules::value_event(series, source_, value, source_ns, recv_ns), stats_);
}

bool MempoolWsProtocol::on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) {
  WsMessage msg;
  const ParseStatus status = parse_ws_message(frame, *parser_, msg);
  if (status != ParseStatus::kOk) {
    report_parse_error(stats_, log_, status, frame, recv_ns);
    return true;
  }
  if (msg.has_block) {
    const WsBlock& b = msg.block;
    emit(out, series_.block_height, static_cast<double>(b.height), b.time_ns, recv_ns);
    emit(out, series_.difficulty, b.difficulty, b.time_ns, recv_ns);
    if (b.total_fees_sats >= 0) {
      emit(out, series_.block_fees,
           static_cast<double>(b.total_fees_sats) / static_cast<double>(rules::kSatsPerBtc),
           b.time_ns, recv_ns);
    }
  }
  if (msg.has_da) emit(out, series_.retarget_change, msg.retarget_change_pct, recv_ns, recv_ns);
  return true;
}

void apply_ws_defaults(FeedConfig& config) {
  if (config.url.empty()) config.url = "wss://mempool.space/api/v1/ws";
  // Stats frames follow every mempool update (seconds apart); pings cover quiet spells.
  if (config.stale_after_ns == 0) config.stale_after_ns = 60 * kNsPerSecond;
}

std::unique_ptr<Feed> make_ws_feed(const FeedConfig& config, boost::asio::io_context& io,
                                   rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<WsFeed<MempoolWsProtocol>>(config, io, registry, sink, config.url);
}

}  // namespace hashwatch::connectors::mempool
