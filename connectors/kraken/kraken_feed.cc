#include "connectors/kraken/kraken_feed.h"

#include <spdlog/spdlog.h>

#include "connectors/common/feed_health.h"

#include "connectors/kraken/kraken_parser.h"

namespace hashwatch::connectors::kraken {

KrakenProtocol::KrakenProtocol(const FeedConfig& config, rules::SeriesRegistry& registry,
                               FeedStats& stats, rules::SourceId source)
    : config_(config),
      stats_(stats),
      source_(source),
      symbols_(make_symbol_states(config, registry)),
      parser_(make_json_parser()),
      msg_(std::make_unique<Message>()),
      log_(config_.name) {}

KrakenProtocol::~KrakenProtocol() = default;

void KrakenProtocol::on_connected() {
  for (SymbolState& s : symbols_) s.last_sequence = 0;
  online_ = true;
}

std::vector<std::string> KrakenProtocol::subscribe_frames() {
  std::string list;
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    if (i > 0) list += ',';
    list += '"' + symbols_[i].symbol + '"';
  }
  return {R"({"method":"subscribe","params":{"channel":"ticker","symbol":[)" + list + R"(]},"req_id":1})",
          R"({"method":"subscribe","params":{"channel":"trade","symbol":[)" + list +
              R"(],"snapshot":false},"req_id":2})"};
}

void KrakenProtocol::emit(EventSink& out, SymbolState& s, double price, TimeNs source_ns,
                          TimeNs recv_ns) {
  if (!online_) return;  // prices during maintenance are not trusted
  push_or_count(out, rules::value_event(s.series, source_, price, source_ns, recv_ns,
                                        static_cast<std::uint64_t>(s.last_sequence)), stats_);
}

bool KrakenProtocol::on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) {
  Message& msg = *msg_;
  const ParseStatus status = parse_message(frame, *parser_, msg);
  if (status != ParseStatus::kOk) {
    report_parse_error(stats_, log_, status, frame, recv_ns);
    return true;
  }
  switch (msg.type) {
    case MessageType::kTicker:
    case MessageType::kTrade: {
      for (std::size_t i = 0; i < msg.item_count; ++i) {
        const Item& item = msg.items[i];
        SymbolState* s = find_symbol(symbols_, item.symbol);
        if (s == nullptr) continue;
        if (msg.type == MessageType::kTrade &&
            !accept_sequence(*s, item.trade_id, /*contiguous=*/true, stats_)) {
          continue;  // duplicate or older trade
        }
        emit(out, *s, item.price, item.time_ns, recv_ns);
      }
      return true;
    }
    case MessageType::kStatus: {
      const bool online = msg.system == "online";
      if (online != online_) {
        online_ = online;
        spdlog::warn("feed {}: exchange status {}", config_.name, msg.system);
        // Kraken keeps the socket during maintenance; its prices must not count meanwhile.
        stats_.up.store(online, std::memory_order_relaxed);
        push_or_count(out, rules::feed_event(source_, online, recv_ns), stats_);
      }
      return true;
    }
    case MessageType::kError:
      report_server_error(stats_, log_, msg.error.empty() ? "request failed" : std::string(msg.error),
                          recv_ns);
      return true;
    case MessageType::kAck:
    case MessageType::kHeartbeat:
    case MessageType::kPong:
    case MessageType::kOther:
      return true;
  }
  return true;
}

void apply_defaults(FeedConfig& config) {
  if (config.url.empty()) config.url = "wss://ws.kraken.com/v2";
  if (config.symbols.empty()) config.symbols = {"BTC/USD"};
  // Heartbeats arrive every second when idle.
  if (config.stale_after_ns == 0) config.stale_after_ns = 10 * kNsPerSecond;
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<WsFeed<KrakenProtocol>>(config, io, registry, sink, config.url);
}

}  // namespace hashwatch::connectors::kraken
