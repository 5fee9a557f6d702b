// Backtest: one site on ERCOT HB_SOUTH 15-minute prices (2024-06-01..2025-03-27) with daily
// hashprice from the shared bitcoin history, through `run_replay` (the daemon's engine), checked
// against a computation written here: hours curtailed and total mining margin.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "connectors/common/parse_util.h"
#include "daemon/replay.h"
#include "daemon/rule_files.h"

namespace hashwatch::daemon {
namespace {

const std::string kShared = std::string(HASHWATCH_SOURCE_DIR) + "/../shared/data/";
const std::string kErcot = std::string(HASHWATCH_SOURCE_DIR) + "/tests/fixtures/data/ercot_hb_south_rt_da_15min_2024-06-01_2025-03-27.csv";

std::vector<std::vector<std::string>> csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> c;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) c.push_back(x);
    if (!line.empty() && line.back() == ',') c.emplace_back();
    rows.push_back(c);
  }
  return rows;
}

TEST(Backtest, ErcotHbSouthSiteMatchesIndependentComputation) {
  const std::string fees = kShared + "btc_daily_blocks_fees_2024-01-01_2025-12-29.csv";
  if (!std::ifstream(fees).good() || !std::ifstream(kShared + "btc_usd_daily_ohlc_2020-07-12_2026-02-19.csv").good()) {
    GTEST_SKIP() << "shared data (daily fees and BTC prices, not redistributable) is absent: " << kShared;
  }
  const auto loaded = load_config_string(
      "price: {min_sources: 1}\n"
      "sites:\n"
      "  - name: south\n"
      "    power: {market: ercot, node: HB_SOUTH}\n"
      "    fleet: [{model: \"Antminer S21\", count: 1000}]\n"
      "    pool_fee_pct: 2\n"
      "    opex_usd_per_mwh: 3\n",
      "backtest.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.errors[0].to_string();
  std::vector<RawEvent> events = read_replay_input(kErcot);
  const TimeNs first = events.front().time_ns, last = events.back().time_ns;
  auto daily = read_replay_input(fees);
  events.insert(events.end(), daily.begin(), daily.end());
  // Results over the ERCOT span only: 2024-06-01 00:00 CDT to 2025-03-28 00:00 CDT.
  const ReplayResult result = run_replay(*loaded.config, events, {}, ReplayWindow{first, last + 15 * kNsPerMinute});
  ASSERT_EQ(result.sites.size(), 1u);
  const SiteReplayResult& site = result.sites[0];

  // Independent: daily hashprice from the same history (end-of-day height, epoch difficulty, the
  // day's mean fees, the day's close), in force from 00:00Z; each ERCOT interval lasts until the next.
  std::map<long, double> difficulty;
  for (const auto& r : csv(kShared + "btc_difficulty_epochs.csv")) difficulty[std::stol(r[0])] = std::stod(r[7]);
  std::map<std::string, double> close;
  for (const auto& r : csv(kShared + "btc_usd_daily_ohlc_2020-07-12_2026-02-19.csv")) close[r[0]] = std::stod(r[4]);
  const auto days = csv(fees);
  std::map<std::string, double> hashprice;
  std::size_t anchor = 0;
  while (days[anchor][0] != "2024-04-20") ++anchor;
  std::vector<long> height(days.size());
  long h = 839'999;
  for (std::size_t i = anchor; i < days.size(); ++i) height[i] = (h += std::stol(days[i][1]));
  h = 839'999;
  for (std::size_t i = anchor; i-- > 0;) {
    height[i] = h;
    h -= std::stol(days[i][1]);
  }
  for (std::size_t i = 0; i < days.size(); ++i) {
    double subsidy = 50;
    for (long k = 0; k < height[i] / 210'000; ++k) subsidy /= 2;
    const double fee = std::stod(days[i][2]) / std::stod(days[i][1]);
    hashprice[days[i][0]] = (subsidy + fee) * 86400e15 / (difficulty.at(height[i] / 2016) * 4294967296.0) * close.at(days[i][0]);
  }
  std::vector<std::pair<TimeNs, double>> prices;
  for (const auto& r : csv(kErcot)) {
    if (!r[1].empty()) prices.emplace_back(*connectors::parse_rfc3339_ns(r[1]), std::stod(r[2]));
  }
  const double mw = 1000 * 3500 / 1e6;       // 3.5 MW
  const double efficiency = 3500.0 / 200.0;  // 17.5 J/TH
  double hours_curtail = 0, hours_mine = 0, margin_usd = 0;
  for (std::size_t i = 0; i < prices.size(); ++i) {
    const TimeNs start = prices[i].first;
    const TimeNs end = i + 1 < prices.size() ? prices[i + 1].first : start + 15 * kNsPerMinute;
    const double hours = static_cast<double>(end - start) / 3.6e12;
    const std::string day = connectors::format_rfc3339(start, 0).substr(0, 10);
    const double revenue = hashprice.at(day) * 0.98 / (0.024 * efficiency);
    const double margin = revenue - 3.0 - prices[i].second;
    if (margin < 0) {
      hours_curtail += hours;  // curtailing earns 0 > a negative margin
    } else {
      hours_mine += hours;
      margin_usd += margin * mw * hours;
    }
  }
  EXPECT_DOUBLE_EQ(site.hours_curtail, hours_curtail);
  EXPECT_DOUBLE_EQ(site.hours_mine, hours_mine);
  EXPECT_NEAR(site.mining_margin_usd, margin_usd, 1e-6 * margin_usd);
  EXPECT_EQ(site.hours_unknown, 0.0);
  EXPECT_EQ(site.hours_mine + site.hours_curtail, 300.0 * 24);  // 300 days
  std::printf("backtest: mine %.2f h, curtail %.2f h, mining margin %.2f USD, %zu mode changes\n",
              site.hours_mine, site.hours_curtail, site.mining_margin_usd, result.timeline.size());
}

TEST(Replay, RulesRunAndAlertTimersFireAtTheirInstantsBetweenEvents) {
  auto loaded = load_config_string("price: {min_sources: 1}\n", "replay.yaml");
  ASSERT_TRUE(loaded.ok());
  const RuleFiles files = load_rule_string(
      "groups:\n"
      "  - name: power\n"
      "    rules:\n"
      "      - alert: PowerPriceHigh\n"
      "        expr: power_price_usd_per_mwh{node=\"HB_WEST\"} > 100\n"
      "        for: 30m\n",
      "rules.yaml");
  ASSERT_TRUE(files.errors.empty());
  loaded.config->rules = rule_defs(files.groups);
  const rules::Labels node{{"market", "ercot"}, {"node", "HB_WEST"}};
  const TimeNs t0 = 1'751'328'000 * kNsPerSecond;  // 2025-07-01T00:00:00Z
  std::vector<RawEvent> events = {
      {t0, "power_price_usd_per_mwh", node, 50},
      {t0 + kNsPerHour, "power_price_usd_per_mwh", node, 120},
      {t0 + 2 * kNsPerHour, "power_price_usd_per_mwh", node, 130},
      {t0 + 3 * kNsPerHour, "power_price_usd_per_mwh", node, 40},
  };
  const ReplayResult result = run_replay(*loaded.config, events);
  ASSERT_EQ(result.alerts.size(), 2u);
  EXPECT_EQ(result.alerts[0].status, "firing");
  EXPECT_EQ(result.alerts[0].time_ns, t0 + kNsPerHour + 30 * kNsPerMinute);  // no event then: the timer
  EXPECT_EQ(result.alerts[0].value, 120);
  EXPECT_EQ(result.alerts[1].status, "resolved");
  EXPECT_EQ(result.alerts[1].time_ns, t0 + 3 * kNsPerHour);
  const std::string dir = std::string(HASHWATCH_BINARY_DIR) + "/replay-alerts-test";
  write_replay_outputs(result, dir);
  std::ifstream in(dir + "/alerts.csv");
  std::stringstream text;
  text << in.rdbuf();
  const std::string fp = rules::alerts::fingerprint_hex(result.alerts[0].fingerprint);
  EXPECT_EQ(text.str(), "time_utc,status,alertname,labels,value,fingerprint\n"
                        "2025-07-01T01:30:00.000Z,firing,PowerPriceHigh,market=ercot;node=HB_WEST,120," + fp + "\n"
                        "2025-07-01T03:00:00.000Z,resolved,PowerPriceHigh,market=ercot;node=HB_WEST,130," + fp + "\n");
}

TEST(ReplayInput, EventFormatAndErrors) {
  const std::string path = std::string(HASHWATCH_BINARY_DIR) + "/replay_events_test.csv";
  std::ofstream(path) << "time_utc,series,labels,value\n2025-07-01T17:00:00Z,power_price_usd_per_mwh,market=ercot;node=HB_WEST,39.65\n";
  const auto events = read_replay_input(path);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].labels, (rules::Labels{{"market", "ercot"}, {"node", "HB_WEST"}}));
  EXPECT_EQ(events[0].value, 39.65);
  std::ofstream(path) << "time_utc,series,labels,value\nyesterday,x,,1\n";
  try {
    read_replay_input(path);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ":2: \"yesterday\" is not an RFC 3339 UTC time");
  }
}

}  // namespace
}  // namespace hashwatch::daemon
