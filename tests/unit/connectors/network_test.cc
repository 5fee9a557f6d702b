#include <gtest/gtest.h>

#include "connectors/bitcoind/bitcoind_feed.h"
#include "connectors/bitcoind/bitcoind_parser.h"
#include "connectors/common/fee_window.h"
#include "connectors/hashrateindex/hashrateindex_feed.h"
#include "connectors/mempool/mempool_ws_feed.h"
#include "connectors/mempool/mempool_ws_parser.h"
#include "tests/support/fixtures.h"
#include "tests/support/recording_sink.h"

namespace hashwatch::connectors {
namespace {

using hashwatch::testing::fixture_path;
using hashwatch::testing::PaddedFrame;
using hashwatch::testing::read_fixture;

TEST(FeeWindow, MeanNeedsEveryBlockOfTheWindow) {
  FeeWindow w(3);
  w.set_tip(100);
  EXPECT_EQ(w.first_missing(), 98);
  w.add(98, 100);
  w.add(100, 400);
  EXPECT_FALSE(w.mean_fees_sats());
  EXPECT_EQ(w.first_missing(), 99);
  w.add(99, 1000);
  EXPECT_EQ(w.mean_fees_sats(), 500.0);  // (100 + 1000 + 400) / 3
}

TEST(FeeWindow, NewTipSlidesTheWindowByOneBlock) {
  FeeWindow w(3);
  for (int h = 98; h <= 100; ++h) w.add(h, h * 10);
  w.add(101, 2000);  // 98 leaves, 101 enters
  EXPECT_EQ(w.mean_fees_sats(), (990.0 + 1000.0 + 2000.0) / 3);
  w.set_tip(102);
  EXPECT_FALSE(w.mean_fees_sats());
  EXPECT_EQ(w.first_missing(), 102);
}

TEST(FeeWindow, ReorgReplacesAndLowerTipDropsOrphans) {
  FeeWindow w(2);
  w.add(10, 100);
  w.add(11, 200);
  w.add(11, 300);  // the block at 11 was replaced
  EXPECT_EQ(w.mean_fees_sats(), 200.0);
  w.set_tip(10);   // a reorg back to 10: 11 is gone, and the window (8, 10] lacks 9
  EXPECT_EQ(w.first_missing(), 9);
  EXPECT_FALSE(w.mean_fees_sats());
  w.add(9, 500);
  EXPECT_EQ(w.mean_fees_sats(), 300.0);  // (500 + 100) / 2
}

TEST(FeeWindow, WindowOfOneIsTheLastBlock) {
  FeeWindow w(1);
  w.add(5, 700);
  EXPECT_EQ(w.mean_fees_sats(), 700.0);
  w.add(4, 1);  // below the window: ignored
  EXPECT_EQ(w.mean_fees_sats(), 700.0);
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(bitcoind::base64(""), "");
  EXPECT_EQ(bitcoind::base64("f"), "Zg==");
  EXPECT_EQ(bitcoind::base64("fo"), "Zm8=");
  EXPECT_EQ(bitcoind::base64("foo"), "Zm9v");
  EXPECT_EQ(bitcoind::base64("foobar"), "Zm9vYmFy");
}

class BitcoindParser : public ::testing::Test {
 protected:
  JsonParserPtr json = make_json_parser();
  bitcoind::RpcError error;
};

TEST_F(BitcoindParser, ChainInfoFixture) {
  PaddedFrame f(read_fixture("bitcoind/getblockchaininfo.json"));
  bitcoind::ChainInfo info;
  ASSERT_EQ(bitcoind::parse_chain_info(f.view(), *json, info, error), ParseStatus::kOk);
  EXPECT_FALSE(error.present);
  EXPECT_EQ(info.blocks, 903580);
  EXPECT_EQ(info.headers, 903580);
  EXPECT_EQ(info.difficulty, 116958512019762.1);
  EXPECT_FALSE(info.initial_block_download);
}

TEST_F(BitcoindParser, MiningInfoAndBlockStats) {
  PaddedFrame m(read_fixture("bitcoind/getmininginfo.json"));
  bitcoind::MiningInfo mi;
  ASSERT_EQ(bitcoind::parse_mining_info(m.view(), *json, mi, error), ParseStatus::kOk);
  EXPECT_EQ(mi.network_hashps, 8.372216401895018e+20);
  PaddedFrame s(read_fixture("bitcoind/getblockstats_903580_selected.json"));
  bitcoind::BlockStats bs;
  ASSERT_EQ(bitcoind::parse_block_stats(s.view(), *json, bs, error), ParseStatus::kOk);
  EXPECT_EQ(bs.height, 903580);
  EXPECT_EQ(bs.total_fee_sats, 3151842);
}

TEST_F(BitcoindParser, ErrorsLegacyAndJsonRpc2) {
  bitcoind::ChainInfo info;
  PaddedFrame warm(read_fixture("bitcoind/error_warmup_-28.json"));
  ASSERT_EQ(bitcoind::parse_chain_info(warm.view(), *json, info, error), ParseStatus::kOk);
  EXPECT_TRUE(error.present);
  EXPECT_EQ(error.code, -28);
  EXPECT_EQ(error.message, "Loading block index\u2026");
  PaddedFrame warm2(read_fixture("bitcoind/jsonrpc2_error_warmup.json"));
  ASSERT_EQ(bitcoind::parse_chain_info(warm2.view(), *json, info, error), ParseStatus::kOk);
  EXPECT_EQ(error.code, -28);
  bitcoind::BlockStats bs;
  PaddedFrame future(read_fixture("bitcoind/error_getblockstats_height_-8.json"));
  ASSERT_EQ(bitcoind::parse_block_stats(future.view(), *json, bs, error), ParseStatus::kOk);
  EXPECT_EQ(error.code, -8);
}

class BitcoindProtocolTest : public ::testing::Test {
 protected:
  FeedConfig config = [] {
    FeedConfig c = hashwatch::testing::feed_config("node", "bitcoind", &bitcoind::apply_defaults);
    c.fee_window_blocks = 3;
    c.cookie_file = fixture_path("bitcoind/cookie.txt");
    return c;
  }();
  rules::SeriesRegistry registry;
  FeedStats stats;
  hashwatch::testing::RecordingSink sink;
  bitcoind::BitcoindProtocol protocol{config, registry, stats, registry.intern_source("node")};

  std::string answer(const std::string& body) {
    PaddedFrame f(body);
    EXPECT_TRUE(protocol.on_response(200, f.view(), 1, sink)) << body;
    return body;
  }
  static std::string stats_reply(int h, long fee) {
    return R"({"result":{"height":)" + std::to_string(h) + R"(,"totalfee":)" + std::to_string(fee) +
           R"(},"error":null,"id":"x"})";
  }
  double last(const char* name) {
    const auto id = registry.intern(name);
    for (auto it = sink.events.rbegin(); it != sink.events.rend(); ++it) {
      if (it->series == id) return it->value;
    }
    return -1;
  }
};

TEST_F(BitcoindProtocolTest, CycleBackfillsTheWindowWithAuth) {
  protocol.begin_cycle();
  auto req = protocol.next_request();
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, "POST");
  EXPECT_NE(req->body.find(R"("method":"getblockchaininfo")"), std::string::npos);
  ASSERT_EQ(req->headers.size(), 1u);
  EXPECT_EQ(req->headers[0].second,
            "Basic " + bitcoind::base64(read_fixture("bitcoind/cookie.txt")));
  answer(read_fixture("bitcoind/getblockchaininfo.json"));
  EXPECT_EQ(last("block_height"), 903580);
  EXPECT_NE(protocol.next_request()->body.find("getmininginfo"), std::string::npos);
  answer(read_fixture("bitcoind/getmininginfo.json"));
  EXPECT_EQ(last("network_hashrate_hs"), 8.372216401895018e+20);
  for (int h = 903578; h <= 903580; ++h) {
    req = protocol.next_request();
    ASSERT_TRUE(req);
    EXPECT_NE(req->body.find("[" + std::to_string(h) + ","), std::string::npos) << req->body;
    answer(stats_reply(h, 3'000'000 + (h - 903578) * 300'000));
  }
  EXPECT_FALSE(protocol.next_request());
  // (3.0 + 3.3 + 3.6) M sat / 3 = 3.3 M sat = 0.033 BTC
  EXPECT_DOUBLE_EQ(last("fees_per_block_btc"), 0.033);
  EXPECT_DOUBLE_EQ(last("block_fees_btc"), 0.036);
}

TEST_F(BitcoindProtocolTest, WarmupFailsTheCycleAndIsCounted) {
  protocol.begin_cycle();
  protocol.next_request();
  PaddedFrame f(read_fixture("bitcoind/error_warmup_-28.json"));
  EXPECT_FALSE(protocol.on_response(500, f.view(), 1, sink));
  EXPECT_EQ(stats.error_count(ErrorKind::kServerError), 1u);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(BitcoindProtocolTest, UnauthorizedRereadsCredentials) {
  protocol.begin_cycle();
  protocol.next_request();
  PaddedFrame empty("");
  EXPECT_FALSE(protocol.on_response(401, empty.view(), 1, sink));
  EXPECT_EQ(stats.error_count(ErrorKind::kServerError), 1u);
  protocol.begin_cycle();
  EXPECT_EQ(protocol.next_request()->headers.size(), 1u);
}

TEST_F(BitcoindProtocolTest, SyncingNodeIsNotASource) {
  protocol.begin_cycle();
  protocol.next_request();
  std::string body = read_fixture("bitcoind/getblockchaininfo.json");
  body.replace(body.find(R"("headers": 903580)"), 17, R"("headers": 903600)");
  PaddedFrame f(body);
  EXPECT_FALSE(protocol.on_response(200, f.view(), 1, sink));
  EXPECT_TRUE(sink.events.empty());
}

TEST(HashrateIndex, SeriesNewestPointAndCurrentObject) {
  auto json = make_json_parser();
  hashrateindex::IndexPoint p;
  PaddedFrame series(read_fixture("hashrateindex/v1_hashprice_span1D_bucket15m_USD_PHS_excerpt.json"));
  ASSERT_EQ(hashrateindex::parse_hashprice(series.view(), *json, p), ParseStatus::kOk);
  EXPECT_EQ(p.price_usd_per_ph_day, 57.31);
  EXPECT_EQ(p.time_ns, 1751371200LL * kNsPerSecond);
  PaddedFrame current(read_fixture("hashrateindex/v1_hashprice_current_PHS.json"));
  ASSERT_EQ(hashrateindex::parse_hashprice(current.view(), *json, p), ParseStatus::kOk);
  EXPECT_EQ(p.price_usd_per_ph_day, 57.31);
  PaddedFrame unauthorized(read_fixture("hashrateindex/error_401.json"));
  EXPECT_EQ(hashrateindex::parse_hashprice(unauthorized.view(), *json, p), ParseStatus::kMissingField);
}

TEST(MempoolWs, NewBlockFrameGivesHeightDifficultyFeesAndRetarget) {
  auto json = make_json_parser();
  const auto lines = hashwatch::testing::fixture_lines("mempool/ws_stream_new_block.jsonl");
  mempool::WsMessage msg;
  PaddedFrame stats(lines[1]);
  ASSERT_EQ(mempool::parse_ws_message(stats.view(), *json, msg), ParseStatus::kOk);
  EXPECT_FALSE(msg.has_block);
  PaddedFrame block(lines[2]);
  ASSERT_EQ(mempool::parse_ws_message(block.view(), *json, msg), ParseStatus::kOk);
  ASSERT_TRUE(msg.has_block);
  EXPECT_EQ(msg.block.height, 903580);
  EXPECT_EQ(msg.block.difficulty, 116958512019762.1);
  EXPECT_EQ(msg.block.total_fees_sats, 3151842);
  EXPECT_EQ(msg.block.time_ns, 1751370912LL * kNsPerSecond);
  ASSERT_TRUE(msg.has_da);
  EXPECT_EQ(msg.retarget_change_pct, 7.963354311104731);
  EXPECT_EQ(msg.remaining_blocks, 1604);
}

TEST(MempoolWs, WantsBlocksAndStatsAndPings) {
  FeedConfig c = hashwatch::testing::feed_config("mws", "mempool_ws", &mempool::apply_ws_defaults);
  rules::SeriesRegistry registry;
  FeedStats stats;
  mempool::MempoolWsProtocol p(c, registry, stats, 0);
  EXPECT_EQ(p.subscribe_frames(), std::vector<std::string>{R"({"action":"want","data":["blocks","stats"]})"});
  EXPECT_EQ(p.keepalive_frame(), R"({"action":"ping"})");
  EXPECT_LE(p.keepalive_interval_ns(), 30 * kNsPerSecond);
}

}  // namespace
}  // namespace hashwatch::connectors
