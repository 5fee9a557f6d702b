#include <gtest/gtest.h>

#include "connectors/bitstamp/bitstamp_feed.h"
#include "connectors/bitstamp/bitstamp_parser.h"
#include "tests/support/fixtures.h"
#include "tests/support/recording_sink.h"

namespace hashwatch::connectors::bitstamp {
namespace {

using hashwatch::testing::fixture_lines;
using hashwatch::testing::PaddedFrame;

class BitstampParser : public ::testing::Test {
 protected:
  JsonParserPtr json = make_json_parser();
  Message msg;
  ParseStatus parse(std::string_view text) {
    PaddedFrame f(text);
    return parse_message(f.view(), *json, msg);
  }
  std::vector<std::string> stream = fixture_lines("bitstamp/live_trades_stream.jsonl");
};

TEST_F(BitstampParser, TradeFromPriceStrAndMicrotimestamp) {
  ASSERT_EQ(parse(stream[1]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kTrade);
  EXPECT_EQ(msg.channel, "live_trades_btcusd");
  EXPECT_EQ(msg.price, 105560.0);
  EXPECT_EQ(msg.trade_id, 412873301);
  EXPECT_EQ(msg.time_ns, 1751371200'412000000LL);
}

TEST_F(BitstampParser, NumberPriceWhenNoStringPrice) {
  ASSERT_EQ(parse(R"({"event":"trade","channel":"live_trades_btcusd","data":{"id":1,"price":8302.92,"microtimestamp":"1"}})"),
            ParseStatus::kOk);
  EXPECT_EQ(msg.price, 8302.92);
}

TEST_F(BitstampParser, ControlEvents) {
  ASSERT_EQ(parse(stream[0]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kAck);
  ASSERT_EQ(parse(stream[4]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kHeartbeat);
  ASSERT_EQ(parse(stream.back()), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kReconnect);
}

TEST_F(BitstampParser, Errors) {
  const auto errors = fixture_lines("bitstamp/errors.jsonl");
  ASSERT_EQ(parse(errors[2]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kError);
  EXPECT_EQ(msg.error, "Invalid channel provided.");
}

TEST_F(BitstampParser, BadMicrotimestampIsWrongType) {
  EXPECT_EQ(parse(R"({"event":"trade","channel":"c","data":{"id":1,"price_str":"1","microtimestamp":"soon"}})"),
            ParseStatus::kWrongType);
}

TEST_F(BitstampParser, MissingEventIsMissingField) {
  EXPECT_EQ(parse(R"({"channel":"c"})"), ParseStatus::kMissingField);
}

class BitstampProtocolTest : public ::testing::Test {
 protected:
  FeedConfig config = hashwatch::testing::feed_config("bitstamp", "bitstamp", &apply_defaults);
  rules::SeriesRegistry registry;
  FeedStats stats;
  hashwatch::testing::RecordingSink sink;
  BitstampProtocol protocol{config, registry, stats, registry.intern_source("bitstamp")};
  bool feed(const std::string& line) {
    PaddedFrame f(line);
    return protocol.on_message(f.view(), 1, sink);
  }
};

TEST_F(BitstampProtocolTest, SubscribeAndHeartbeatFramesMatchTheDocs) {
  const auto client = fixture_lines("bitstamp/client_messages.jsonl");
  EXPECT_EQ(protocol.subscribe_frames(), std::vector<std::string>{client[0]});
  EXPECT_EQ(protocol.keepalive_frame(), client[1]);
  EXPECT_GT(protocol.keepalive_interval_ns(), 0);
  EXPECT_LT(protocol.keepalive_interval_ns(), config.stale_after_ns);
}

TEST_F(BitstampProtocolTest, TradesBecomePricesAndReconnectIsHonoured) {
  const auto stream = fixture_lines("bitstamp/live_trades_stream.jsonl");
  for (std::size_t i = 0; i + 1 < stream.size(); ++i) EXPECT_TRUE(feed(stream[i]));
  EXPECT_EQ(sink.values(), (std::vector<double>{105560, 105560, 105558, 105561}));
  EXPECT_EQ(stats.sequence_gaps.load(), 0u);  // ids are not contiguous across markets
  EXPECT_FALSE(feed(stream.back()));
}

TEST_F(BitstampProtocolTest, OlderTradeIdIsDropped) {
  const auto stream = fixture_lines("bitstamp/live_trades_stream.jsonl");
  feed(stream[3]);
  feed(stream[1]);
  EXPECT_EQ(sink.values().size(), 1u);
}

}  // namespace
}  // namespace hashwatch::connectors::bitstamp
