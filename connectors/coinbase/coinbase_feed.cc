#include "connectors/coinbase/coinbase_feed.h"

#include <spdlog/spdlog.h>

#include "connectors/common/feed_health.h"

#include "connectors/coinbase/coinbase_parser.h"

namespace hashwatch::connectors::coinbase {

CoinbaseProtocol::CoinbaseProtocol(const FeedConfig& config, rules::SeriesRegistry& registry,
                                   FeedStats& stats, rules::SourceId source)
    : config_(config),
      stats_(stats),
      source_(source),
      parser_(make_json_parser()),
      log_(config_.name) {
  for (SymbolState& s : make_symbol_states(config_, registry)) {
    products_.push_back(Product{std::move(s.symbol), s.series});
  }
}

CoinbaseProtocol::~CoinbaseProtocol() = default;

void CoinbaseProtocol::on_connected() {
  // Sequences move on by millions across a reconnect: start over.
  for (Product& p : products_) {
    p.last_sequence = 0;
    p.last_trade_id = 0;
  }
}

std::vector<std::string> CoinbaseProtocol::subscribe_frames() {
  std::string ids;
  for (std::size_t i = 0; i < products_.size(); ++i) {
    if (i > 0) ids += ',';
    ids += '"' + products_[i].id + '"';
  }
  return {R"({"type":"subscribe","product_ids":[)" + ids +
          R"(],"channels":["ticker","heartbeat"]})"};
}

CoinbaseProtocol::Product* CoinbaseProtocol::find(std::string_view product_id) {
  for (Product& p : products_) {
    if (p.id == product_id) return &p;
  }
  return nullptr;
}

bool CoinbaseProtocol::on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) {
  Message msg;
  const ParseStatus status = parse_message(frame, *parser_, msg);
  if (status != ParseStatus::kOk) {
    report_parse_error(stats_, log_, status, frame, recv_ns);
    return true;
  }
  switch (msg.type) {
    case MessageType::kTicker: {
      Product* p = find(msg.product_id);
      if (p == nullptr) return true;
      if (msg.sequence <= p->last_sequence) return true;  // duplicate or out of order
      p->last_sequence = msg.sequence;
      p->last_trade_id = std::max(p->last_trade_id, msg.trade_id);
      push_or_count(out, rules::value_event(p->series, source_, msg.price, msg.time_ns, recv_ns,
                                            static_cast<std::uint64_t>(msg.sequence)), stats_);
      return true;
    }
    case MessageType::kHeartbeat: {
      Product* p = find(msg.product_id);
      if (p == nullptr) return true;
      if (msg.sequence <= p->last_sequence) return true;
      p->last_sequence = msg.sequence;
      // A heartbeat is made after the trades it reports. A ticker for a newer trade would carry a
      // smaller sequence than this heartbeat, so it can no longer be accepted: one ticker is lost.
      if (msg.trade_id != 0 && p->last_trade_id != 0 && msg.trade_id > p->last_trade_id) {
        stats_.sequence_gaps.fetch_add(1, std::memory_order_relaxed);
      }
      if (msg.trade_id != 0) p->last_trade_id = std::max(p->last_trade_id, msg.trade_id);
      return true;
    }
    case MessageType::kError:
      report_server_error(stats_, log_,
                          std::string(msg.error_message) + ": " + std::string(msg.error_reason),
                          recv_ns);
      return true;
    case MessageType::kSubscriptions:
      spdlog::info("feed {}: subscriptions confirmed", config_.name);
      return true;
    case MessageType::kOther:
      return true;
  }
  return true;
}

void apply_defaults(FeedConfig& config) {
  if (config.url.empty()) config.url = "wss://ws-feed.exchange.coinbase.com";
  if (config.symbols.empty()) config.symbols = {"BTC-USD"};
  if (config.stale_after_ns == 0) config.stale_after_ns = 30 * kNsPerSecond;
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<WsFeed<CoinbaseProtocol>>(config, io, registry, sink, config.url);
}

}  // namespace hashwatch::connectors::coinbase
