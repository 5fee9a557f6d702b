// Network inputs end to end: mempool.space WebSocket pushes, bitcoind JSON-RPC and the Hashrate
// Index, each from hashwatch-feedsim, into hashwatchd's /metrics.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace hashwatch::testing {
namespace {

using namespace std::chrono_literals;

std::optional<double> metric(const std::string& text, const std::string& name_and_labels) {
  const std::string prefix = name_and_labels + " ";
  for (std::size_t pos = 0; (pos = text.find(prefix, pos)) != std::string::npos; pos += prefix.size()) {
    if (pos == 0 || text[pos - 1] == '\n') return std::stod(text.substr(pos + prefix.size()));
  }
  return std::nullopt;
}

double hashprice_usd(double height, double difficulty, double fees_btc, double price) {
  const double subsidy = static_cast<double>(5'000'000'000LL >> (static_cast<long long>(height) / 210000)) / 1e8;
  return (subsidy + fees_btc) * 86400.0 * 1e15 / (difficulty * 4294967296.0) * price;
}

class NetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = make_temp_dir();
    sim = std::make_unique<Process>(binary_path("tools/feedsim/hashwatch-feedsim"),
                                    std::vector<std::string>{"--rate", "200"});
    auto line = sim->wait_stdout([](const std::string& l) { return l.starts_with("feedsim listening "); }, 10s);
    ASSERT_TRUE(line) << sim->stderr_text();
    sim_port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
    base = "127.0.0.1:" + std::to_string(sim_port);
  }
  void TearDown() override {
    daemon.reset();
    sim.reset();
    std::system(("rm -rf " + dir).c_str());
  }
  void start(const std::string& feeds) {
    write_file(dir + "/hashwatch.yaml",
               "server: {listen: 127.0.0.1:0}\nstate: {dir: state}\nprice: {min_sources: 1}\nfeeds:\n"
               "  - {name: coinbase, kind: coinbase, url: \"ws://" + base + "/coinbase\"}\n" + feeds);
    daemon = std::make_unique<Process>(binary_path("daemon/hashwatchd"),
                                       std::vector<std::string>{"--config", dir + "/hashwatch.yaml"});
    auto listen = daemon->wait_stderr(
        [](const std::string& l) { return l.find("http: listening on http://") != std::string::npos; }, 10s);
    ASSERT_TRUE(listen) << daemon->stderr_text();
    port = static_cast<std::uint16_t>(std::stoi(listen->substr(listen->rfind(':') + 1)));
  }
  std::string scrape() { return http_get(port, "/metrics").body; }
  bool wait_metric(const std::string& name, const std::function<bool(double)>& pred,
                   std::chrono::milliseconds timeout = 10s) {
    return wait_until([&] { auto v = metric(scrape(), name); return v && pred(*v); }, timeout);
  }

  std::string dir, base;
  std::unique_ptr<Process> sim, daemon;
  std::uint16_t sim_port = 0, port = 0;
};

TEST_F(NetworkTest, NewBlockOverWebSocketReachesMetricsWithinOneSecond) {
  start("  - {name: mempool, kind: mempool, url: \"http://" + base + "/mempool\", poll_interval: 60s}\n"
        "  - {name: mempool-ws, kind: mempool_ws, url: \"ws://" + base + "/mempool/api/v1/ws\"}\n");
  ASSERT_TRUE(wait_metric("hashwatch_hashprice_usd_per_ph_day", [](double) { return true; })) << daemon->stderr_text();
  ASSERT_TRUE(wait_metric(R"(hashwatch_feed_up{feed="mempool-ws"})", [](double v) { return v == 1; }));
  const double before = *metric(scrape(), "hashwatch_hashprice_usd_per_ph_day");
  // A retarget block: the simulator pushes height 903,581 with difficulty +8 %.
  const double new_difficulty = 116958512019762.1 * 1.08;
  const auto t0 = Clock::now();
  const auto r = http_request(sim_port, "POST", "/control/mempool/newblock?difficulty=" + std::to_string(new_difficulty));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(wait_until([&] {
    const std::string t = scrape();
    return metric(t, "hashwatch_block_height") == 903581.0 &&
           metric(t, "hashwatch_hashprice_usd_per_ph_day") != before;
  }, 1s)) << scrape();
  EXPECT_LT(Clock::now() - t0, 1s);
  const std::string t = scrape();
  const double price = *metric(t, "hashwatch_btc_usd");
  const double fees = *metric(t, "hashwatch_fees_per_block_btc");
  const double difficulty = *metric(t, "hashwatch_difficulty");
  EXPECT_NEAR(difficulty, new_difficulty, 1);
  const double expected = hashprice_usd(903581, difficulty, fees, price);
  EXPECT_NEAR(*metric(t, "hashwatch_hashprice_usd_per_ph_day"), expected, 1e-9 * expected);
  EXPECT_EQ(metric(t, "hashwatch_blocks_to_retarget"), 1603.0);
  EXPECT_EQ(metric(t, "hashwatch_block_fees_btc"), 0.03151842);
}

TEST_F(NetworkTest, BitcoindFeeWindowAndNewBlock) {
  const std::string cookie = fixture_path("bitcoind/cookie.txt");
  start("  - {name: node, kind: bitcoind, url: \"http://" + base + "/bitcoind\", cookie_file: \"" + cookie +
        "\", poll_interval: 1s}\n");
  // The simulator's fees: 3,000,000 + (h mod 7) * 100,000 sat for every height.
  auto window_mean_btc = [](long tip) {
    double sum = 0;
    for (long h = tip - 143; h <= tip; ++h) sum += 3'000'000 + (h % 7) * 100'000;
    return sum / 144 / 1e8;
  };
  ASSERT_TRUE(wait_metric("hashwatch_fees_per_block_btc", [&](double v) {
    return std::abs(v - window_mean_btc(903580)) < 1e-15;
  })) << scrape() << daemon->stderr_text();
  std::string t = scrape();
  EXPECT_EQ(metric(t, "hashwatch_block_height"), 903580.0);
  EXPECT_EQ(metric(t, "hashwatch_difficulty"), 116958512019762.1);
  EXPECT_EQ(metric(t, "hashwatch_network_hashrate_hs"), 8.372216401895018e+20);
  ASSERT_EQ(http_request(sim_port, "POST", "/control/bitcoind/newblock").status, 200);
  ASSERT_TRUE(wait_metric("hashwatch_fees_per_block_btc", [&](double v) {
    return std::abs(v - window_mean_btc(903581)) < 1e-15;
  })) << scrape();
  EXPECT_EQ(metric(scrape(), "hashwatch_block_height"), 903581.0);
}

TEST_F(NetworkTest, BitcoindWarmupIsReportedAndRecovers) {
  const std::string cookie = fixture_path("bitcoind/cookie.txt");
  start("  - {name: node, kind: bitcoind, url: \"http://" + base + "/bitcoind\", cookie_file: \"" + cookie +
        "\", poll_interval: 1s, backoff: {initial: 50ms, max: 200ms}}\n");
  ASSERT_TRUE(wait_metric(R"(hashwatch_feed_up{feed="node"})", [](double v) { return v == 1; }));
  ASSERT_EQ(http_request(sim_port, "POST", "/control/bitcoind/warmup").status, 200);
  EXPECT_TRUE(daemon->wait_stderr([](const std::string& l) {
    return l.find("feed node: server_error (node warming up: Loading block index") != std::string::npos;
  }, 5s)) << daemon->stderr_text();
  ASSERT_EQ(http_request(sim_port, "POST", "/control/bitcoind/ready").status, 200);
  EXPECT_TRUE(wait_metric(R"(hashwatch_feed_errors_total{feed="node",kind="server_error"})", [](double v) { return v >= 1; }));
  EXPECT_TRUE(wait_metric(R"(hashwatch_feed_up{feed="node"})", [](double v) { return v == 1; }));
}

TEST_F(NetworkTest, HashrateIndexAndDivergence) {
  write_file(dir + "/hri.key", "hi.0123456789abcdef0123456789abcdef\n");
  start("  - {name: mempool, kind: mempool, url: \"http://" + base + "/mempool\", poll_interval: 60s}\n"
        "  - {name: hri, kind: hashrateindex, url: \"http://" + base + "/hashrateindex\", api_key_file: \"" +
        dir + "/hri.key\"}\n");
  ASSERT_TRUE(wait_metric(R"(hashwatch_hashprice_index_divergence_pct{source="hri"})", [](double) { return true; }))
      << scrape() << daemon->stderr_text();
  const std::string t = scrape();
  EXPECT_EQ(metric(t, R"(hashwatch_hashprice_index_usd_per_ph_day{source="hri"})"), 57.31);
  const double computed = *metric(t, "hashwatch_hashprice_usd_per_ph_day");
  EXPECT_NEAR(*metric(t, R"(hashwatch_hashprice_index_divergence_pct{source="hri"})"),
              (57.31 - computed) * 100 / computed, 1e-9);
}

TEST_F(NetworkTest, HashrateIndexWithoutKeyIsUnauthorized) {
  start("  - {name: hri, kind: hashrateindex, url: \"http://" + base + "/hashrateindex\"}\n");
  EXPECT_TRUE(daemon->wait_stderr([](const std::string& l) {
    return l.find("feed hri: server_error (GET hashprice -> HTTP 401") != std::string::npos;
  }, 5s)) << daemon->stderr_text();
}

}  // namespace
}  // namespace hashwatch::testing
