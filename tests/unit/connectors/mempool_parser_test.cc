#include "connectors/mempool/mempool_parser.h"

#include <gtest/gtest.h>

#include "connectors/mempool/mempool_feed.h"
#include "tests/support/fixtures.h"

namespace hashwatch::connectors::mempool {
namespace {

using hashwatch::testing::PaddedFrame;
using hashwatch::testing::read_fixture;

TEST(MempoolParser, TipHeightPlainText) {
  std::int64_t h = 0;
  ASSERT_EQ(parse_tip_height(read_fixture("mempool/blocks_tip_height.txt"), h), ParseStatus::kOk);
  EXPECT_EQ(h, 903580);
}

TEST(MempoolParser, TipHeightHtmlIsRejected) {
  std::int64_t h = 0;
  EXPECT_NE(parse_tip_height(read_fixture("mempool/error_429_too_many_requests.html"), h),
            ParseStatus::kOk);
}

TEST(MempoolParser, HashrateFixtureDifficultyAndHashrateAboveInt64) {
  auto json = make_json_parser();
  PaddedFrame f(read_fixture("mempool/mining_hashrate_3d.json"));
  HashrateInfo info;
  ASSERT_EQ(parse_hashrate(f.view(), *json, info), ParseStatus::kOk);
  EXPECT_EQ(info.current_difficulty, 116958512019762.1);
  ASSERT_TRUE(info.current_hashrate_hs);
  EXPECT_EQ(*info.current_hashrate_hs, 873471568816497600000.0);
}

TEST(MempoolParser, ZeroHashrateAndDifficultyMeanNodeDown) {
  auto json = make_json_parser();
  HashrateInfo info;
  PaddedFrame f(R"({"hashrates":[],"difficulty":[],"currentHashrate":0,"currentDifficulty":0})");
  EXPECT_EQ(parse_hashrate(f.view(), *json, info), ParseStatus::kBadValue);
  PaddedFrame g(R"({"currentHashrate":0,"currentDifficulty":1.5e14})");
  ASSERT_EQ(parse_hashrate(g.view(), *json, info), ParseStatus::kOk);
  EXPECT_FALSE(info.current_hashrate_hs);
}

TEST(MempoolParser, RewardStatsSumsAreStrings) {
  auto json = make_json_parser();
  PaddedFrame f(read_fixture("mempool/reward-stats_144.json"));
  RewardStats rs;
  ASSERT_EQ(parse_reward_stats(f.view(), *json, rs), ParseStatus::kOk);
  EXPECT_EQ(rs.start_block, 903437);
  EXPECT_EQ(rs.end_block, 903580);
  EXPECT_EQ(rs.blocks(), 144);
  EXPECT_EQ(rs.total_fee_sats, 454032660);
  EXPECT_EQ(rs.total_reward_sats, 45454032660);
  EXPECT_DOUBLE_EQ(rs.fees_per_block_btc(), 454032660.0 / 144.0 / 1e8);
}

TEST(MempoolParser, RewardStatsWithNumbersIsAccepted) {
  auto json = make_json_parser();
  PaddedFrame f(R"({"startBlock":1,"endBlock":10,"totalReward":100,"totalFee":50})");
  RewardStats rs;
  ASSERT_EQ(parse_reward_stats(f.view(), *json, rs), ParseStatus::kOk);
  EXPECT_DOUBLE_EQ(rs.fees_per_block_btc(), 5e-8);
}

TEST(MempoolParser, BackendErrorBodyIsMissingField) {
  auto json = make_json_parser();
  PaddedFrame f(read_fixture("mempool/error_500_json.json"));
  RewardStats rs;
  EXPECT_EQ(parse_reward_stats(f.view(), *json, rs), ParseStatus::kMissingField);
}

TEST(MempoolParser, NonNumericSumIsWrongType) {
  auto json = make_json_parser();
  PaddedFrame f(R"({"startBlock":1,"endBlock":10,"totalReward":"x","totalFee":"50"})");
  RewardStats rs;
  EXPECT_EQ(parse_reward_stats(f.view(), *json, rs), ParseStatus::kWrongType);
}

TEST(MempoolParser, InvertedWindowIsBadValue) {
  auto json = make_json_parser();
  PaddedFrame f(R"({"startBlock":10,"endBlock":1,"totalReward":"1","totalFee":"1"})");
  RewardStats rs;
  EXPECT_EQ(parse_reward_stats(f.view(), *json, rs), ParseStatus::kBadValue);
}

FeedConfig mempool_config() {
  FeedConfig c;
  c.name = "mempool";
  c.kind = "mempool";
  return c;
}

struct RecordingSink : EventSink {
  std::vector<rules::Event> events;
  bool push(const rules::Event& e) override {
    events.push_back(e);
    return true;
  }
};

TEST(MempoolProtocol, PollsTipHashrateAndConfiguredFeeWindow) {
  FeedConfig config = mempool_config();
  config.fee_window_blocks = 72;
  apply_defaults(config);
  rules::SeriesRegistry registry;
  FeedStats stats;
  MempoolProtocol p(config, registry, stats, 0);
  const auto targets = p.targets();
  p.begin_cycle();
  for (const auto& t : targets) EXPECT_EQ(p.next_request()->target, t);
  EXPECT_FALSE(p.next_request());
  ASSERT_EQ(targets.size(), 4u);
  EXPECT_EQ(targets[0], "/api/blocks/tip/height");
  EXPECT_EQ(targets[1], "/api/v1/mining/hashrate/3d");
  EXPECT_EQ(targets[2], "/api/v1/mining/reward-stats/72");
  EXPECT_EQ(targets[3], "/api/v1/difficulty-adjustment");
}

TEST(MempoolProtocol, FixturesBecomeNetworkEvents) {
  FeedConfig config = mempool_config();
  apply_defaults(config);
  rules::SeriesRegistry registry;
  FeedStats stats;
  RecordingSink sink;
  MempoolProtocol p(config, registry, stats, registry.intern_source("mempool"));
  PaddedFrame h(read_fixture("mempool/blocks_tip_height.txt"));
  PaddedFrame r(read_fixture("mempool/mining_hashrate_3d.json"));
  PaddedFrame f(read_fixture("mempool/reward-stats_144.json"));
  ASSERT_TRUE(p.on_target_response(MempoolProtocol::kTipHeight, h.view(), 5, sink));
  ASSERT_TRUE(p.on_target_response(MempoolProtocol::kHashrate, r.view(), 5, sink));
  ASSERT_TRUE(p.on_target_response(MempoolProtocol::kRewardStats, f.view(), 5, sink));
  PaddedFrame da(read_fixture("mempool/difficulty-adjustment.json"));
  ASSERT_TRUE(p.on_target_response(MempoolProtocol::kDifficultyAdjustment, da.view(), 5, sink));
  ASSERT_EQ(sink.events.size(), 5u);
  EXPECT_EQ(sink.events[4].series, registry.intern("retarget_change_pct"));
  EXPECT_EQ(sink.events[4].value, 7.963354311104731);
  EXPECT_EQ(sink.events[0].series, registry.intern("block_height"));
  EXPECT_EQ(sink.events[0].value, 903580);
  EXPECT_EQ(sink.events[1].series, registry.intern("difficulty"));
  EXPECT_EQ(sink.events[2].series, registry.intern("network_hashrate_hs"));
  EXPECT_EQ(sink.events[3].series, registry.intern("fees_per_block_btc"));
  EXPECT_DOUBLE_EQ(sink.events[3].value, 0.031530045833333333);
}

TEST(MempoolProtocol, ErrorStatusIsCountedNotParsed) {
  FeedConfig config = mempool_config();
  apply_defaults(config);
  rules::SeriesRegistry registry;
  FeedStats stats;
  RecordingSink sink;
  MempoolProtocol p(config, registry, stats, 0);
  p.begin_cycle();
  ASSERT_TRUE(p.next_request());
  PaddedFrame html(read_fixture("mempool/error_429_too_many_requests.html"));
  EXPECT_FALSE(p.on_response(429, html.view(), 5, sink));
  EXPECT_EQ(stats.error_count(ErrorKind::kServerError), 1u);
  EXPECT_EQ(stats.error_count(ErrorKind::kMalformed), 0u);
  EXPECT_TRUE(sink.events.empty());
}

TEST(MempoolProtocol, MalformedResponseFailsTheCycleAndIsCounted) {
  FeedConfig config = mempool_config();
  apply_defaults(config);
  rules::SeriesRegistry registry;
  FeedStats stats;
  RecordingSink sink;
  MempoolProtocol p(config, registry, stats, 0);
  PaddedFrame bad("{\"currentDifficulty\":");
  EXPECT_FALSE(p.on_target_response(MempoolProtocol::kHashrate, bad.view(), 5, sink));
  EXPECT_EQ(stats.error_count(ErrorKind::kMalformed), 1u);
  EXPECT_TRUE(sink.events.empty());
}

}  // namespace
}  // namespace hashwatch::connectors::mempool
