// The happy path allocates nothing: after a warm-up pass (parser buffers grow once), feeding every
// exchange protocol its recorded data frames performs no heap allocation. Global operator new is
// replaced in this test binary to count.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "connectors/binance/binance_feed.h"
#include "connectors/bitstamp/bitstamp_feed.h"
#include "connectors/coinbase/coinbase_feed.h"
#include "connectors/kraken/kraken_feed.h"
#include "tests/support/fixtures.h"
#include "tests/support/recording_sink.h"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace hashwatch::connectors {
namespace {

using hashwatch::testing::fixture_lines;
using hashwatch::testing::PaddedFrame;

struct CountingSink : EventSink {
  long events = 0;
  bool push(const rules::Event&) override {
    ++events;
    return true;
  }
};

template <class Protocol>
long allocations_per_pass(const char* kind, void (*defaults)(FeedConfig&), const char* fixture,
                          std::string_view keep) {
  FeedConfig config = hashwatch::testing::feed_config(kind, kind, defaults);
  rules::SeriesRegistry registry;
  FeedStats stats;
  CountingSink sink;
  Protocol protocol(config, registry, stats, registry.intern_source(kind));
  std::vector<PaddedFrame> frames;
  for (const auto& line : fixture_lines(fixture)) {
    if (line.find(keep) != std::string::npos) frames.emplace_back(line);
  }
  auto pass = [&] {
    protocol.on_connected();  // sequences restart, as after a reconnect
    for (const auto& f : frames) protocol.on_message(f.view(), 1, sink);
  };
  pass();  // warm-up
  const long before = g_allocations.load();
  pass();
  EXPECT_GT(sink.events, 0) << kind;
  EXPECT_EQ(stats.error_count(ErrorKind::kMalformed) + stats.error_count(ErrorKind::kWrongType), 0u);
  return g_allocations.load() - before;
}

TEST(HappyPathAllocations, CounterSeesAllocations) {
  const long before = g_allocations.load();
  auto p = std::make_unique<std::string>(200, 'x');
  EXPECT_GE(g_allocations.load() - before, 2);  // the string object and its buffer
}

TEST(HappyPathAllocations, CoinbaseTickers) {
  EXPECT_EQ((allocations_per_pass<coinbase::CoinbaseProtocol>(
                "coinbase", &coinbase::apply_defaults, "coinbase/ticker_stream.jsonl", R"("type":"ticker")")),
            0);
}

TEST(HappyPathAllocations, KrakenTickersAndTrades) {
  EXPECT_EQ((allocations_per_pass<kraken::KrakenProtocol>(
                "kraken", &kraken::apply_defaults, "kraken/ticker_trade_stream.jsonl", R"({"channel":"t)")),
            0);
}

TEST(HappyPathAllocations, BinanceTrades) {
  EXPECT_EQ((allocations_per_pass<binance::BinanceProtocol>(
                "binance", &binance::apply_defaults, "binance/combined_stream.jsonl", R"("e":"trade")")),
            0);
}

TEST(HappyPathAllocations, BitstampTrades) {
  EXPECT_EQ((allocations_per_pass<bitstamp::BitstampProtocol>(
                "bitstamp", &bitstamp::apply_defaults, "bitstamp/live_trades_stream.jsonl", R"("event":"trade")")),
            0);
}

}  // namespace
}  // namespace hashwatch::connectors
