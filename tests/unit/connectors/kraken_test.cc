#include <gtest/gtest.h>

#include "connectors/kraken/kraken_feed.h"
#include "connectors/kraken/kraken_parser.h"
#include "tests/support/fixtures.h"
#include "tests/support/recording_sink.h"

namespace hashwatch::connectors::kraken {
namespace {

using hashwatch::testing::fixture_lines;
using hashwatch::testing::PaddedFrame;

class KrakenParser : public ::testing::Test {
 protected:
  JsonParserPtr json = make_json_parser();
  Message msg;
  ParseStatus parse(std::string_view text) {
    PaddedFrame f(text);
    return parse_message(f.view(), *json, msg);
  }
  std::vector<std::string> stream = fixture_lines("kraken/ticker_trade_stream.jsonl");
};

TEST_F(KrakenParser, StatusOnline) {
  ASSERT_EQ(parse(stream[0]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kStatus);
  EXPECT_EQ(msg.system, "online");
}

TEST_F(KrakenParser, MaintenanceStatus) {
  ASSERT_EQ(parse(fixture_lines("kraken/errors.jsonl")[1]), ParseStatus::kOk);
  EXPECT_EQ(msg.system, "maintenance");
}

TEST_F(KrakenParser, SubscribeAckAndHeartbeat) {
  ASSERT_EQ(parse(stream[1]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kAck);
  ASSERT_EQ(parse(stream[4]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kHeartbeat);
}

TEST_F(KrakenParser, TickerSnapshotLastPriceAndTime) {
  ASSERT_EQ(parse(stream[2]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kTicker);
  ASSERT_EQ(msg.item_count, 1u);
  EXPECT_EQ(msg.items[0].symbol, "BTC/USD");
  EXPECT_EQ(msg.items[0].price, 105560.0);
  EXPECT_EQ(msg.items[0].time_ns, 1751371199'702811000LL);
}

TEST_F(KrakenParser, TickerWithoutTimestampIsAccepted) {
  ASSERT_EQ(parse(R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","last":105560.1}]})"),
            ParseStatus::kOk);
  EXPECT_EQ(msg.items[0].time_ns, 0);
  EXPECT_EQ(msg.items[0].price, 105560.1);
}

TEST_F(KrakenParser, TradeBatchHasEveryTrade) {
  ASSERT_EQ(parse(stream[5]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kTrade);
  ASSERT_EQ(msg.item_count, 2u);
  EXPECT_EQ(msg.items[0].trade_id, 84215734);
  EXPECT_EQ(msg.items[0].price, 105560.0);
  EXPECT_EQ(msg.items[1].trade_id, 84215735);
  EXPECT_EQ(msg.items[1].price, 105560.1);
  EXPECT_EQ(msg.items[1].time_ns, 1751371200'412345000LL);
}

TEST_F(KrakenParser, UnsupportedPairIsError) {
  ASSERT_EQ(parse(fixture_lines("kraken/errors.jsonl")[0]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kError);
  EXPECT_EQ(msg.error, "Currency pair not supported BTC/USDX");
}

TEST_F(KrakenParser, PongIsRecognised) {
  ASSERT_EQ(parse(R"({"method":"pong","req_id":3,"time_in":"2025-07-01T12:00:00Z","time_out":"2025-07-01T12:00:00Z"})"),
            ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kPong);
}

TEST_F(KrakenParser, PriceAsStringIsWrongType) {
  EXPECT_EQ(parse(R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","price":"1","trade_id":1,"timestamp":"2025-07-01T12:00:00Z"}]})"),
            ParseStatus::kWrongType);
}

TEST_F(KrakenParser, TruncatedIsNotJson) {
  EXPECT_EQ(parse(stream[5].substr(0, 60)), ParseStatus::kNotJson);
}

TEST_F(KrakenParser, TradeWithoutIdIsMissingField) {
  EXPECT_EQ(parse(R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","price":1.0,"timestamp":"2025-07-01T12:00:00Z"}]})"),
            ParseStatus::kMissingField);
}

class KrakenProtocolTest : public ::testing::Test {
 protected:
  FeedConfig config = hashwatch::testing::feed_config("kraken", "kraken", &apply_defaults);
  rules::SeriesRegistry registry;
  FeedStats stats;
  hashwatch::testing::RecordingSink sink;
  KrakenProtocol protocol{config, registry, stats, registry.intern_source("kraken")};
  void feed(const std::string& line) {
    PaddedFrame f(line);
    protocol.on_message(f.view(), 1, sink);
  }
};

TEST_F(KrakenProtocolTest, SubscribesToTickerAndTrade) {
  const auto frames = protocol.subscribe_frames();
  const auto expected = fixture_lines("kraken/client_messages.jsonl");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], expected[0]);
  EXPECT_EQ(frames[1], expected[1]);
}

TEST_F(KrakenProtocolTest, FixtureStreamCountsTwoMissingTrades) {
  for (const auto& line : fixture_lines("kraken/ticker_trade_stream.jsonl")) feed(line);
  EXPECT_EQ(stats.sequence_gaps.load(), 2u);  // 84215737 and 84215738
  const auto values = sink.values();
  ASSERT_FALSE(values.empty());
  EXPECT_EQ(values.front(), 105560.0);
  for (const auto& e : sink.events) EXPECT_EQ(e.series, registry.intern("btc_usd", {{"source", "kraken"}}));
}

TEST_F(KrakenProtocolTest, MaintenanceMarksFeedDownAndDropsPrices) {
  const auto stream = fixture_lines("kraken/ticker_trade_stream.jsonl");
  feed(fixture_lines("kraken/errors.jsonl")[1]);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].kind, rules::EventKind::kFeedDown);
  feed(stream[2]);  // a ticker during maintenance
  EXPECT_EQ(sink.events.size(), 1u);
  feed(stream[0]);  // online again
  EXPECT_EQ(sink.events.back().kind, rules::EventKind::kFeedUp);
  feed(stream[2]);
  EXPECT_EQ(sink.events.back().value, 105560.0);
}

TEST_F(KrakenProtocolTest, ErrorReplyIsCounted) {
  feed(fixture_lines("kraken/errors.jsonl")[0]);
  EXPECT_EQ(stats.error_count(ErrorKind::kServerError), 1u);
}

TEST_F(KrakenProtocolTest, DuplicateTradeIsDropped) {
  const auto stream = fixture_lines("kraken/ticker_trade_stream.jsonl");
  feed(stream[5]);
  const std::size_t n = sink.events.size();
  feed(stream[5]);
  EXPECT_EQ(sink.events.size(), n);
  EXPECT_EQ(stats.sequence_gaps.load(), 0u);
}

}  // namespace
}  // namespace hashwatch::connectors::kraken
