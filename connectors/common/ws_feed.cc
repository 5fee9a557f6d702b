#include "connectors/common/ws_feed.h"

namespace hashwatch::connectors {

std::vector<SymbolState> make_symbol_states(const FeedConfig& config,
                                            rules::SeriesRegistry& registry) {
  std::vector<SymbolState> out;
  for (const std::string& symbol : config.symbols) {
    const std::string source =
        config.symbols.size() == 1 ? config.name : config.name + ":" + symbol;
    out.push_back(SymbolState{symbol, registry.intern("btc_usd", {{"source", source}}), 0});
  }
  return out;
}

SymbolState* find_symbol(std::vector<SymbolState>& symbols, std::string_view symbol) {
  for (SymbolState& s : symbols) {
    if (s.symbol == symbol) return &s;
  }
  return nullptr;
}

bool accept_sequence(SymbolState& s, std::int64_t sequence, bool contiguous, FeedStats& stats) {
  if (sequence <= 0) return false;  // not a sequence any exchange sends
  // A jump far backwards is a reset on the exchange's side (or one bogus id before it): follow
  // it rather than dropping every later message as a duplicate.
  constexpr std::int64_t kResetDistance = 1'000'000;
  if (s.last_sequence != 0 && sequence < s.last_sequence - kResetDistance) {
    s.last_sequence = sequence;
    return true;
  }
  if (s.last_sequence != 0 && sequence <= s.last_sequence) return false;
  if (contiguous && s.last_sequence != 0 && sequence > s.last_sequence + 1) {
    stats.sequence_gaps.fetch_add(static_cast<std::uint64_t>(sequence - s.last_sequence - 1),
                                  std::memory_order_relaxed);
  }
  s.last_sequence = sequence;
  return true;
}

}  // namespace hashwatch::connectors
