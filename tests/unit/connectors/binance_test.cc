#include <gtest/gtest.h>

#include "connectors/binance/binance_feed.h"
#include "connectors/binance/binance_parser.h"
#include "tests/support/fixtures.h"
#include "tests/support/recording_sink.h"

namespace hashwatch::connectors::binance {
namespace {

using hashwatch::testing::fixture_lines;
using hashwatch::testing::PaddedFrame;

class BinanceParser : public ::testing::Test {
 protected:
  JsonParserPtr json = make_json_parser();
  Message msg;
  ParseStatus parse(std::string_view text) {
    PaddedFrame f(text);
    return parse_message(f.view(), *json, msg);
  }
};

TEST_F(BinanceParser, RawTradeExactPriceAndTime) {
  ASSERT_EQ(parse(fixture_lines("binance/raw_trade_stream.jsonl")[0]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kTrade);
  EXPECT_EQ(msg.symbol, "BTCUSDT");
  EXPECT_EQ(msg.price, 105560.01);
  EXPECT_EQ(msg.sequence, 5061912345);
  EXPECT_EQ(msg.time_ns, 1751371200412LL * 1'000'000);
}

TEST_F(BinanceParser, CombinedWrapperIsUnwrapped) {
  const auto lines = fixture_lines("binance/combined_stream.jsonl");
  ASSERT_EQ(parse(lines[2]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kTrade);
  EXPECT_EQ(msg.price, 105560.01);
  ASSERT_EQ(parse(lines[1]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kBookTicker);
  EXPECT_EQ(msg.price, (105560.0 + 105560.01) / 2);
  EXPECT_EQ(msg.time_ns, 0);
}

TEST_F(BinanceParser, ResultsAndShutdown) {
  const auto lines = fixture_lines("binance/combined_stream.jsonl");
  ASSERT_EQ(parse(lines[0]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kResult);
  ASSERT_EQ(parse(lines[6]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kResult);
  ASSERT_EQ(parse(lines.back()), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kShutdown);
}

TEST_F(BinanceParser, ErrorShapes) {
  const auto lines = fixture_lines("binance/errors.jsonl");
  ASSERT_EQ(parse(lines[0]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kError);
  EXPECT_TRUE(msg.error.starts_with("Invalid request"));
  ASSERT_EQ(parse(lines[1]), ParseStatus::kOk);
  EXPECT_TRUE(msg.error.starts_with("Invalid JSON"));
  ASSERT_EQ(parse(lines[2]), ParseStatus::kOk);  // the HTTP 451 body
  EXPECT_EQ(msg.type, MessageType::kError);
  EXPECT_TRUE(msg.error.starts_with("Service unavailable from a restricted location"));
}

TEST_F(BinanceParser, PriceAsNumberIsWrongType) {
  EXPECT_EQ(parse(R"({"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":105560.01,"q":"1","T":1,"m":true,"M":true})"),
            ParseStatus::kWrongType);
}

TEST_F(BinanceParser, TruncatedIsNotJson) {
  EXPECT_EQ(parse(fixture_lines("binance/raw_trade_stream.jsonl")[0].substr(0, 50)),
            ParseStatus::kNotJson);
}

class BinanceProtocolTest : public ::testing::Test {
 protected:
  FeedConfig config = hashwatch::testing::feed_config("binance", "binance", &apply_defaults);
  rules::SeriesRegistry registry;
  FeedStats stats;
  hashwatch::testing::RecordingSink sink;
  BinanceProtocol protocol{config, registry, stats, registry.intern_source("binance")};
  bool feed(const std::string& line) {
    PaddedFrame f(line);
    return protocol.on_message(f.view(), 1, sink);
  }
};

TEST_F(BinanceProtocolTest, RawTradesCountTwoMissingIds) {
  for (const auto& line : fixture_lines("binance/raw_trade_stream.jsonl")) feed(line);
  EXPECT_EQ(sink.values().size(), 5u);
  EXPECT_EQ(stats.sequence_gaps.load(), 2u);  // 5061912349 and 5061912350
}

TEST_F(BinanceProtocolTest, CombinedStreamUsesTradesAndReconnectsOnShutdown) {
  const auto lines = fixture_lines("binance/combined_stream.jsonl");
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_TRUE(feed(lines[i]));
  EXPECT_EQ(sink.values(), (std::vector<double>{105560.01, 105560.01, 105560.0, 105558.72}));
  EXPECT_EQ(stats.sequence_gaps.load(), 3u);  // 5061912348..5061912350
  EXPECT_FALSE(feed(lines.back()));            // serverShutdown: reconnect
}

TEST_F(BinanceProtocolTest, StreamUrlFromBaseSymbolsAndChannel) {
  EXPECT_EQ(stream_url(config), "wss://stream.binance.com:9443/stream?streams=btcusdt@trade");
  FeedConfig c = config;
  c.url = "ws://127.0.0.1:9000/binance?stall_after=3";
  c.symbols = {"BTCUSDT", "ethusdt"};
  c.channel = "bookTicker";
  EXPECT_EQ(stream_url(c),
            "ws://127.0.0.1:9000/binance/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker&stall_after=3");
  c.url = "wss://stream.binance.com:9443/ws/btcusdt@trade";
  EXPECT_EQ(stream_url(c), c.url);
}

TEST_F(BinanceProtocolTest, ReplacesConnectionsBeforeTheDailyCut) {
  EXPECT_LT(protocol.max_connection_age_ns(), 24 * kNsPerHour);
  EXPECT_GT(protocol.max_connection_age_ns(), 23 * kNsPerHour);
}

}  // namespace
}  // namespace hashwatch::connectors::binance
