#include "connectors/coinbase/coinbase_parser.h"

#include <gtest/gtest.h>

#include "tests/support/fixtures.h"

namespace hashwatch::connectors::coinbase {
namespace {

using hashwatch::testing::fixture_lines;
using hashwatch::testing::PaddedFrame;

class CoinbaseParser : public ::testing::Test {
 protected:
  JsonParserPtr json = make_json_parser();
  Message msg;
  ParseStatus parse(std::string_view text) {
    PaddedFrame f(text);
    return parse_message(f.view(), *json, msg);
  }
};

TEST_F(CoinbaseParser, TickerFixtureGivesExactValues) {
  const auto lines = fixture_lines("coinbase/ticker_stream.jsonl");
  ASSERT_EQ(parse(lines[1]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kTicker);
  EXPECT_EQ(msg.product_id, "BTC-USD");
  EXPECT_EQ(msg.price, 105566.35);
  EXPECT_EQ(msg.sequence, 108209860688);
  EXPECT_EQ(msg.trade_id, 843001100);
  EXPECT_EQ(msg.time_ns, 1751371199'587911000LL);  // 2025-07-01T11:59:59.587911Z
}

TEST_F(CoinbaseParser, UnnormalizedDecimalStringsParseToTheirValue) {
  const auto lines = fixture_lines("coinbase/ticker_stream.jsonl");
  std::vector<double> prices;
  for (const auto& line : lines) {
    ASSERT_EQ(parse(line), ParseStatus::kOk) << line;
    if (msg.type == MessageType::kTicker) prices.push_back(msg.price);
  }
  const std::vector<double> expected{105566.35, 105566.36, 105570.01, 105561.80, 105558.12, 105559,
                                     105552.4,  105549.99, 105550.00, 105553.21, 105560.00};
  EXPECT_EQ(prices, expected);
}

TEST_F(CoinbaseParser, HeartbeatFields) {
  const auto lines = fixture_lines("coinbase/ticker_stream.jsonl");
  ASSERT_EQ(parse(lines[3]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kHeartbeat);
  EXPECT_EQ(msg.trade_id, 843001101);
  EXPECT_EQ(msg.sequence, 108209861402);
  EXPECT_EQ(msg.time_ns, 1751371200'897312000LL);
}

TEST_F(CoinbaseParser, SubscriptionsAcknowledgement) {
  ASSERT_EQ(parse(fixture_lines("coinbase/ticker_stream.jsonl")[0]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kSubscriptions);
}

TEST_F(CoinbaseParser, ErrorFixturesCarryMessageAndReason) {
  const auto lines = fixture_lines("coinbase/errors.jsonl");
  ASSERT_EQ(parse(lines[0]), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kError);
  EXPECT_EQ(msg.error_message, "Failed to subscribe");
  EXPECT_EQ(msg.error_reason, "BTC-XYZ is not a valid product");
  ASSERT_EQ(parse(lines[3]), ParseStatus::kOk);
  EXPECT_EQ(msg.error_reason, R"({"message":"Invalid API Key"})");
}

TEST_F(CoinbaseParser, UnknownTypeIsIgnoredNotAnError) {
  ASSERT_EQ(parse(R"({"type":"status","products":[]})"), ParseStatus::kOk);
  EXPECT_EQ(msg.type, MessageType::kOther);
}

TEST_F(CoinbaseParser, TruncatedJsonIsNotJson) {
  EXPECT_NE(parse(R"({"type":"ticker","sequence":1,"price":"1)"), ParseStatus::kOk);
}

TEST_F(CoinbaseParser, ArrayRootIsNotJsonObject) { EXPECT_EQ(parse("[1,2]"), ParseStatus::kNotJson); }

TEST_F(CoinbaseParser, PriceAsNumberIsWrongType) {
  EXPECT_EQ(parse(R"({"type":"ticker","sequence":1,"product_id":"BTC-USD","price":105566.35,"time":"2025-07-01T12:00:00Z","trade_id":1})"),
            ParseStatus::kWrongType);
}

TEST_F(CoinbaseParser, MissingPriceIsMissingField) {
  EXPECT_EQ(parse(R"({"type":"ticker","sequence":1,"product_id":"BTC-USD","time":"2025-07-01T12:00:00Z","trade_id":1})"),
            ParseStatus::kMissingField);
}

TEST_F(CoinbaseParser, UnparsablePriceStringIsWrongType) {
  EXPECT_EQ(parse(R"({"type":"ticker","sequence":1,"product_id":"BTC-USD","price":"NaN","time":"2025-07-01T12:00:00Z","trade_id":1})"),
            ParseStatus::kWrongType);
}

TEST_F(CoinbaseParser, BadTimeIsWrongType) {
  EXPECT_EQ(parse(R"({"type":"heartbeat","last_trade_id":1,"product_id":"BTC-USD","sequence":2,"time":"noon"})"),
            ParseStatus::kWrongType);
}

TEST_F(CoinbaseParser, MissingTypeIsMissingField) {
  EXPECT_EQ(parse(R"({"price":"1"})"), ParseStatus::kMissingField);
}

}  // namespace
}  // namespace hashwatch::connectors::coinbase
