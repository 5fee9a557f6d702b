#include "connectors/bitstamp/bitstamp_feed.h"

#include <spdlog/spdlog.h>

#include "connectors/common/feed_health.h"

#include "connectors/bitstamp/bitstamp_parser.h"

namespace hashwatch::connectors::bitstamp {

BitstampProtocol::BitstampProtocol(const FeedConfig& config, rules::SeriesRegistry& registry,
                                   FeedStats& stats, rules::SourceId source)
    : config_(config),
      stats_(stats),
      source_(source),
      symbols_(make_symbol_states(config, registry)),
      parser_(make_json_parser()),
      log_(config_.name) {
  for (SymbolState& s : symbols_) s.symbol = "live_trades_" + s.symbol;
}

BitstampProtocol::~BitstampProtocol() = default;

void BitstampProtocol::on_connected() {
  for (SymbolState& s : symbols_) s.last_sequence = 0;
}

std::vector<std::string> BitstampProtocol::subscribe_frames() {
  std::vector<std::string> frames;  // one channel per frame
  for (const SymbolState& s : symbols_) {
    frames.push_back(R"({"event":"bts:subscribe","data":{"channel":")" + s.symbol + R"("}})");
  }
  return frames;
}

TimeNs BitstampProtocol::keepalive_interval_ns() const {
  // Trades can be quiet for tens of seconds; a heartbeat well inside stale_after keeps frames coming.
  return std::max<TimeNs>(config_.stale_after_ns / 4, 100 * kNsPerMs);
}

std::string_view BitstampProtocol::keepalive_frame() const { return R"({"event":"bts:heartbeat"})"; }

bool BitstampProtocol::on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) {
  Message msg;
  const ParseStatus status = parse_message(frame, *parser_, msg);
  if (status != ParseStatus::kOk) {
    report_parse_error(stats_, log_, status, frame, recv_ns);
    return true;
  }
  switch (msg.type) {
    case MessageType::kTrade: {
      SymbolState* s = find_symbol(symbols_, msg.channel);
      if (s == nullptr) return true;
      if (!accept_sequence(*s, msg.trade_id, /*contiguous=*/false, stats_)) return true;
      push_or_count(out, rules::value_event(s->series, source_, msg.price, msg.time_ns, recv_ns,
                                            static_cast<std::uint64_t>(msg.trade_id)), stats_);
      return true;
    }
    case MessageType::kReconnect:
      spdlog::warn("feed {}: server requested a reconnect", config_.name);
      return false;
    case MessageType::kError:
      report_server_error(stats_, log_, std::string(msg.error), recv_ns);
      return true;
    case MessageType::kAck:
    case MessageType::kHeartbeat:
    case MessageType::kOther:
      return true;
  }
  return true;
}

void apply_defaults(FeedConfig& config) {
  if (config.url.empty()) config.url = "wss://ws.bitstamp.net";
  if (config.symbols.empty()) config.symbols = {"btcusd"};
  if (config.stale_after_ns == 0) config.stale_after_ns = 60 * kNsPerSecond;
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<WsFeed<BitstampProtocol>>(config, io, registry, sink, config.url);
}

}  // namespace hashwatch::connectors::bitstamp
