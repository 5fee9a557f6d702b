#include "daemon/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/fixtures.h"

namespace hashwatch::daemon {
namespace {

ConfigResult load(const std::string& yaml) { return load_config_string(yaml, "test.yaml"); }

std::vector<std::string> messages(const ConfigResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.to_string());
  return out;
}

TEST(ParseDuration, UnitsAndCompounds) {
  EXPECT_EQ(parse_duration("500ms"), 500 * kNsPerMs);
  EXPECT_EQ(parse_duration("30s"), 30 * kNsPerSecond);
  EXPECT_EQ(parse_duration("10m"), 10 * kNsPerMinute);
  EXPECT_EQ(parse_duration("1h30m"), 90 * kNsPerMinute);
  EXPECT_EQ(parse_duration("30d"), 30 * kNsPerDay);
  EXPECT_EQ(parse_duration("2w"), 14 * kNsPerDay);
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* bad : {"", "30", "s", "1.5s", "-1s", "10x", "1h 30m", "99999999999999999999d"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Config, MinimalFileGetsDefaults) {
  auto r = load("feeds:\n  - {name: cb, kind: coinbase}\n");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
  const Config& c = *r.config;
  EXPECT_EQ(c.server.listen_host, "127.0.0.1");
  EXPECT_EQ(c.server.listen_port, 9464);
  ASSERT_EQ(c.feeds.size(), 1u);
  EXPECT_EQ(c.feeds[0].url, "wss://ws-feed.exchange.coinbase.com");
  EXPECT_EQ(c.feeds[0].symbols, std::vector<std::string>{"BTC-USD"});
  EXPECT_EQ(c.feeds[0].stale_after_ns, 30 * kNsPerSecond);
  EXPECT_EQ(c.price.min_sources, 1u);
}

TEST(Config, RestoreGraceAndStateDirectory) {
  auto r = load("feeds: []\nrules: {restore_grace: 45s}\n");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
  EXPECT_EQ(r.config->rules_restore_grace_ns, 45 * kNsPerSecond);
  EXPECT_EQ(load("feeds: []\n").config->rules_restore_grace_ns, 2 * kNsPerMinute);
  r = load("feeds: []\nrules: {restore_grace: soon}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  // A relative state directory is taken next to the configuration file.
  const std::string dir = std::string(HASHWATCH_BINARY_DIR) + "/state-dir-test";
  std::system(("mkdir -p " + dir).c_str());
  { std::ofstream(dir + "/hashwatch.yaml") << "state: {dir: db}\n"; }
  const auto file = load_config_file(dir + "/hashwatch.yaml");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file.config->state.dir, dir + "/db");
}

TEST(Config, MempoolStaleDefaultsToThreePollIntervals) {
  auto r = load("feeds:\n  - {name: m, kind: mempool, poll_interval: 20s, fee_window_blocks: 72}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config->feeds[0].stale_after_ns, 60 * kNsPerSecond);
  EXPECT_EQ(r.config->feeds[0].fee_window_blocks, 72);
}

TEST(Config, UnknownTopLevelKeyHasPosition) {
  auto r = load("server:\n  listen: 127.0.0.1:9464\nfeeeds: []\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "test.yaml:3:1: top level: unknown key \"feeeds\" (did you mean \"feeds\"?)");
}

TEST(Config, UnknownFeedKeySuggestsNearest) {
  auto r = load("feeds:\n  - name: kr\n    kind: coinbase\n    symbol: [BTC-USD]\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "test.yaml:4:5: feeds[0] (kr): unknown key \"symbol\" (did you mean \"symbols\"?)");
}

TEST(Config, BadDurationPointsAtValue) {
  auto r = load("feeds:\n  - {name: cb, kind: coinbase, stale_after: soon}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].column, 45);
  EXPECT_NE(r.errors[0].message.find("\"soon\" is not a positive duration"), std::string::npos);
}

TEST(Config, UnknownKindListsSupported) {
  auto r = load("feeds:\n  - {name: x, kind: ftx}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "test.yaml:2:21: feeds[0] (x).kind: unknown kind \"ftx\" (supported: coinbase, kraken, binance, bitstamp, mempool, mempool_ws, bitcoind, hashrateindex, ercot, caiso, pjm, miso, tariff)");
}

TEST(Config, WrongUrlSchemeForKind) {
  auto r = load("feeds:\n  - {name: m, kind: mempool, url: \"wss://mempool.space/api/v1/ws\"}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].message.find("needs a http:// or https:// URL"), std::string::npos);
}

TEST(Config, DuplicateFeedNames) {
  auto r = load("feeds:\n  - {name: a, kind: coinbase}\n  - {name: a, kind: mempool}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), "test.yaml:3:12: feeds[1].name: duplicate feed name \"a\"");
}

TEST(Config, AllErrorsReportedInOnePass) {
  auto r = load(
      "server: {listen: nowhere}\n"
      "price: {min_sources: 0, max_deviation_pct: abc}\n"
      "feeds:\n"
      "  - {kind: coinbase}\n"
      "log: {level: loud}\n");
  EXPECT_EQ(messages(r),
            (std::vector<std::string>{
                "test.yaml:1:18: server.listen: \"nowhere\" is not host:port (e.g. 127.0.0.1:9464)",
                "test.yaml:2:22: price.min_sources: 0 is out of range [1, 64]",
                "test.yaml:2:44: price.max_deviation_pct: \"abc\" is not a number",
                "test.yaml:5:14: log.level: \"loud\" is not one of trace, debug, info, warn, error",
                "test.yaml:4:5: feeds[0]: missing required key \"name\"",
            }));
}

TEST(Config, YamlSyntaxErrorHasPosition) {
  auto r = load("feeds:\n  - {name: a, kind: coinbase\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "test.yaml");
  EXPECT_GT(r.errors[0].line, 0);
}

TEST(Config, BackoffMaxBelowInitialIsRejected) {
  auto r = load("feeds:\n  - {name: a, kind: coinbase, backoff: {initial: 10s, max: 1s}}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("max must not be less than initial"), std::string::npos);
}

TEST(Config, MissingFileIsAnError) {
  auto r = load_config_file("/nonexistent/hashwatch.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), "/nonexistent/hashwatch.yaml: cannot read file");
}

TEST(Config, ShippedExamplesAreValid) {
  for (const char* f : {"deploy/examples/hashwatch.yaml"}) {
    auto r = load_config_file(hashwatch::testing::source_path(f));
    EXPECT_TRUE(r.ok()) << f << ": " << ::testing::PrintToString(messages(r));
  }
}

}  // namespace
}  // namespace hashwatch::daemon

namespace hashwatch::daemon {
namespace {

TEST(TariffConfig, TimeOfUseSchedule) {
  auto r = load_config_string(
      "feeds:\n"
      "  - name: austin-tou\n"
      "    kind: tariff\n"
      "    zone: America/Chicago\n"
      "    base_usd_per_mwh: 40\n"
      "    adder_usd_per_mwh: 4.5\n"
      "    holidays: [2025-07-04]\n"
      "    periods:\n"
      "      - {name: on_peak, days: weekdays, start: \"14:00\", end: \"20:00\", price_usd_per_mwh: 95}\n"
      "      - {name: night, days: [sat, sun], start: \"22:00\", end: \"06:00\", price_usd_per_mwh: 20}\n",
      "t.yaml");
  ASSERT_TRUE(r.ok()) << r.errors[0].to_string();
  const auto& t = *r.config->feeds[0].tariff;
  ASSERT_EQ(t.periods.size(), 2u);
  EXPECT_EQ(t.periods[0].days, rules::kWeekdays);
  EXPECT_EQ(t.periods[0].start_minute, 14 * 60);
  EXPECT_EQ(t.periods[1].days, rules::kWeekends);
  EXPECT_EQ(t.periods[1].end_minute, 6 * 60);
  EXPECT_EQ(t.adder_usd_per_mwh, 4.5);
  ASSERT_EQ(t.holidays.size(), 1u);
  EXPECT_EQ(t.zone->name(), "America/Chicago");
}

TEST(TariffConfig, ErrorsHavePositions) {
  auto r = load_config_string(
      "feeds:\n"
      "  - name: bad\n"
      "    kind: tariff\n"
      "    zone: America/Nowhere\n"
      "    periods:\n"
      "      - {days: [funday], start: \"25:00\", price_usd_per_mwh: 1}\n",
      "t.yaml");
  EXPECT_EQ(messages(r), (std::vector<std::string>{
      "t.yaml:4:11: feeds[0] (bad).zone: \"America/Nowhere\" is not a time zone (e.g. America/Chicago)",
      "t.yaml:6:17: feeds[0] (bad).periods[0].days: \"funday\" is not mon..sun, weekdays, weekends or all",
      "t.yaml:6:33: feeds[0] (bad).periods[0].start: \"25:00\" is not a time of day HH:MM (00:00 to 24:00)",
      "t.yaml:2:5: feeds[0] (bad): a schedule needs \"zone\" (the tariff's local time zone), or use fixed_usd_per_mwh",
  }));
}

TEST(TariffConfig, FixedPriceTakesNoUrl) {
  auto r = load_config_string("feeds:\n  - {name: ppa, kind: tariff, fixed_usd_per_mwh: 38, url: \"http://x\"}\n", "t.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("unknown key \"url\""), std::string::npos);
}

}  // namespace
}  // namespace hashwatch::daemon
