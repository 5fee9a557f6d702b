#include "connectors/binance/binance_feed.h"

#include <spdlog/spdlog.h>

#include "connectors/common/feed_health.h"

#include <algorithm>
#include <cctype>

#include "connectors/binance/binance_parser.h"

namespace hashwatch::connectors::binance {

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Binance closes every connection at 24 h; replace it a little earlier, on our own terms.
constexpr TimeNs kMaxConnectionAgeNs = 23 * kNsPerHour + 50 * kNsPerMinute;

}  // namespace

BinanceProtocol::BinanceProtocol(const FeedConfig& config, rules::SeriesRegistry& registry,
                                 FeedStats& stats, rules::SourceId source)
    : config_(config),
      stats_(stats),
      source_(source),
      symbols_(make_symbol_states(config, registry)),
      parser_(make_json_parser()),
      log_(config_.name) {
  // Payloads carry upper-case symbols ("BTCUSDT"); config uses stream names ("btcusdt").
  for (SymbolState& s : symbols_) s.symbol = upper(s.symbol);
}

BinanceProtocol::~BinanceProtocol() = default;

void BinanceProtocol::on_connected() {
  for (SymbolState& s : symbols_) s.last_sequence = 0;
}

std::vector<std::string> BinanceProtocol::subscribe_frames() { return {}; }

TimeNs BinanceProtocol::max_connection_age_ns() const { return kMaxConnectionAgeNs; }

bool BinanceProtocol::on_message(std::string_view frame, TimeNs recv_ns, EventSink& out) {
  Message msg;
  const ParseStatus status = parse_message(frame, *parser_, msg);
  if (status != ParseStatus::kOk) {
    report_parse_error(stats_, log_, status, frame, recv_ns);
    return true;
  }
  switch (msg.type) {
    case MessageType::kTrade:
    case MessageType::kBookTicker: {
      const bool want_trade = config_.channel != "bookTicker";
      if ((msg.type == MessageType::kTrade) != want_trade) return true;
      SymbolState* s = find_symbol(symbols_, msg.symbol);
      if (s == nullptr) return true;
      // Trade ids are consecutive per symbol; bookTicker update ids only increase.
      if (!accept_sequence(*s, msg.sequence, msg.type == MessageType::kTrade, stats_)) return true;
      push_or_count(out, rules::value_event(s->series, source_, msg.price, msg.time_ns, recv_ns,
                                            static_cast<std::uint64_t>(msg.sequence)), stats_);
      return true;
    }
    case MessageType::kShutdown:
      spdlog::warn("feed {}: serverShutdown: reconnecting", config_.name);
      return false;
    case MessageType::kError:
      report_server_error(stats_, log_, std::string(msg.error), recv_ns);
      return true;
    case MessageType::kResult:
    case MessageType::kOther:
      return true;
  }
  return true;
}

std::string stream_url(const FeedConfig& config) {
  // A URL that already names its streams is used as given.
  if (config.url.find("streams=") != std::string::npos ||
      config.url.find("/ws/") != std::string::npos) {
    return config.url;
  }
  std::string base = config.url;
  std::string query;
  if (const auto q = base.find('?'); q != std::string::npos) {
    query = base.substr(q + 1);
    base.resize(q);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url = base + "/stream?streams=";
  const std::string channel = config.channel == "bookTicker" ? "bookTicker" : "trade";
  for (std::size_t i = 0; i < config.symbols.size(); ++i) {
    if (i > 0) url += '/';
    url += lower(config.symbols[i]) + "@" + channel;
  }
  if (!query.empty()) url += "&" + query;
  return url;
}

void apply_defaults(FeedConfig& config) {
  if (config.url.empty()) config.url = "wss://stream.binance.com:9443";
  if (config.symbols.empty()) config.symbols = {"btcusdt"};
  if (config.channel.empty()) config.channel = "trade";
  // BTCUSDT trades several times a second; the server pings every 20 s.
  if (config.stale_after_ns == 0) config.stale_after_ns = 30 * kNsPerSecond;
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<WsFeed<BinanceProtocol>>(config, io, registry, sink, stream_url(config));
}

}  // namespace hashwatch::connectors::binance
