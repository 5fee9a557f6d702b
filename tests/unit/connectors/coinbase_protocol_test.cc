#include <gtest/gtest.h>

#include <vector>

#include "connectors/coinbase/coinbase_feed.h"
#include "tests/support/fixtures.h"

namespace hashwatch::connectors::coinbase {
namespace {

using hashwatch::testing::fixture_lines;
using hashwatch::testing::PaddedFrame;

struct RecordingSink : EventSink {
  std::vector<rules::Event> events;
  bool full = false;  // a full engine queue: refuse every event
  bool push(const rules::Event& e) override {
    if (full) return false;
    events.push_back(e);
    return true;
  }
};

FeedConfig coinbase_config() {
  FeedConfig c;
  c.name = "coinbase";
  c.kind = "coinbase";
  apply_defaults(c);
  return c;
}

class CoinbaseProtocolTest : public ::testing::Test {
 protected:
  void feed(const std::string& line, TimeNs recv = 1) {
    PaddedFrame f(line);
    protocol.on_message(f.view(), recv, sink);
  }
  FeedConfig config = coinbase_config();
  rules::SeriesRegistry registry;
  FeedStats stats;
  RecordingSink sink;
  CoinbaseProtocol protocol{config, registry, stats, registry.intern_source("coinbase")};
};

TEST_F(CoinbaseProtocolTest, SubscribesToTickerAndHeartbeat) {
  const auto frames = protocol.subscribe_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], fixture_lines("coinbase/client_subscribe.json")[0]);
}

TEST_F(CoinbaseProtocolTest, FixtureStreamGivesElevenPricesAndExactlyOneGap) {
  for (const auto& line : fixture_lines("coinbase/ticker_stream.jsonl")) feed(line);
  ASSERT_EQ(sink.events.size(), 11u);
  const auto series = registry.intern("btc_usd", {{"source", "coinbase"}});
  for (const auto& e : sink.events) EXPECT_EQ(e.series, series);
  EXPECT_EQ(sink.events.front().value, 105566.35);
  EXPECT_EQ(sink.events.back().value, 105560.00);
  // Ticker 843001108 was lost (heartbeat reports it); the 103→106 batch is not a gap.
  EXPECT_EQ(stats.sequence_gaps.load(), 1u);
  EXPECT_EQ(stats.error_count(ErrorKind::kMalformed), 0u);
}

TEST_F(CoinbaseProtocolTest, DuplicateAndOlderSequencesAreDropped) {
  const auto lines = fixture_lines("coinbase/ticker_stream.jsonl");
  feed(lines[2]);
  feed(lines[2]);
  feed(lines[1]);  // older sequence
  EXPECT_EQ(sink.events.size(), 1u);
}

TEST_F(CoinbaseProtocolTest, ReconnectResetsSequenceState) {
  const auto lines = fixture_lines("coinbase/ticker_stream.jsonl");
  feed(lines[2]);
  protocol.on_connected();
  feed(lines[1]);  // a lower sequence is fine on a new connection
  EXPECT_EQ(sink.events.size(), 2u);
}

TEST_F(CoinbaseProtocolTest, MalformedFrameIsCountedAndSkipped) {
  feed(R"({"type":"ticker","sequence":)");
  feed(fixture_lines("coinbase/ticker_stream.jsonl")[1]);
  EXPECT_EQ(stats.error_count(ErrorKind::kMalformed), 1u);
  EXPECT_EQ(sink.events.size(), 1u);
}

TEST_F(CoinbaseProtocolTest, ServerErrorIsCounted) {
  for (const auto& line : fixture_lines("coinbase/subscribe_partial_invalid.jsonl")) {
    if (line.find(R"("type":"subscribe")") == std::string::npos) feed(line);
  }
  EXPECT_EQ(stats.error_count(ErrorKind::kServerError), 1u);
}

TEST_F(CoinbaseProtocolTest, FullEngineQueueIsCountedAndTheFeedCarriesOn) {
  const auto lines = fixture_lines("coinbase/ticker_stream.jsonl");
  sink.full = true;
  feed(lines[1]);
  EXPECT_EQ(stats.error_count(ErrorKind::kQueueFull), 1u);
  EXPECT_TRUE(sink.events.empty());
  sink.full = false;
  feed(lines[2]);
  EXPECT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(stats.error_count(ErrorKind::kQueueFull), 1u);
}

TEST_F(CoinbaseProtocolTest, OtherProductsAreIgnored) {
  std::string line = fixture_lines("coinbase/ticker_stream.jsonl")[1];
  line.replace(line.find("BTC-USD"), 7, "ETH-USD");
  feed(line);
  EXPECT_TRUE(sink.events.empty());
}

}  // namespace
}  // namespace hashwatch::connectors::coinbase
