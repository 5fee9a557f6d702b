// Replays 2024-2025 day by day through the engine (block height at the end of each UTC day, that
// epoch's difficulty, the day's mean fees per block, the day's closing BTC price) and checks every
// daily hashprice against a calculation written here, independently of rules/hashprice.cc.
// Data: tests/fixtures/data/btc_difficulty_epochs.csv (MIT), and the daily fees (CC BY-NC) and prices
// (no licence) from the project's shared data folder, which is read in place and never copied.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "rules/engine.h"

namespace hashwatch::rules {
namespace {

const std::string kSharedData = std::string(HASHWATCH_SOURCE_DIR) + "/../shared/data/";

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
    rows.push_back(std::move(cols));
  }
  return rows;
}

bool readable(const std::string& path) { return std::ifstream(path).good(); }

struct Day {
  std::string date;
  long blocks;
  double fees_btc;
};

TEST(HistoryReplay, DailyHashpriceMatchesIndependentCalculation2024To2025) {
  const std::string fees_csv = kSharedData + "btc_daily_blocks_fees_2024-01-01_2025-12-29.csv";
  const std::string price_csv = kSharedData + "btc_usd_daily_ohlc_2020-07-12_2026-02-19.csv";
  if (!readable(fees_csv) || !readable(price_csv)) {
    GTEST_SKIP() << "shared data (daily fees and BTC prices, not redistributable) is absent beside "
                    "the checkout: " << kSharedData;
  }
  std::map<long, double> epoch_difficulty;
  for (const auto& r : read_csv(std::string(HASHWATCH_SOURCE_DIR) + "/tests/fixtures/data/btc_difficulty_epochs.csv")) {
    epoch_difficulty[std::stol(r[0])] = std::stod(r[7]);
  }
  std::map<std::string, double> close;
  for (const auto& r : read_csv(price_csv)) close[r[0]] = std::stod(r[4]);
  std::vector<Day> days;
  for (const auto& r : read_csv(fees_csv)) days.push_back({r[0], std::stol(r[1]), std::stod(r[2])});
  ASSERT_EQ(days.size(), 729u);

  // Block 840,000 is the first block of 2024-04-20: the height at the end of each day follows
  // from the daily block counts on either side of it.
  std::map<std::string, long> height_end;
  std::size_t halving_day = 0;
  while (days[halving_day].date != "2024-04-20") ++halving_day;
  long h = 839'999;
  for (std::size_t i = halving_day; i < days.size(); ++i) height_end[days[i].date] = (h += days[i].blocks);
  h = 839'999;
  for (std::size_t i = halving_day; i-- > 0;) {
    height_end[days[i].date] = h;
    h -= days[i].blocks;
  }

  SeriesRegistry registry;
  Engine engine(registry);
  const SourceId node = registry.intern_source("history");
  const SeriesId height = registry.intern("block_height"), difficulty = registry.intern("difficulty"),
                 fees = registry.intern("fees_per_block_btc"),
                 price = registry.intern("btc_usd", {{"source", "history"}});
  std::map<std::string, double> results;
  for (std::size_t i = 0; i < days.size(); ++i) {
    const Day& d = days[i];
    const TimeNs t = (1704067200LL + 86400LL * static_cast<long long>(i + 1)) * kNsPerSecond;  // day end
    const long tip = height_end.at(d.date);
    const double D = epoch_difficulty.at(tip / 2016);
    const double fee_per_block = d.fees_btc / static_cast<double>(d.blocks);
    const double px = close.at(d.date);
    engine.apply(value_event(height, node, static_cast<double>(tip), t, t));
    engine.apply(value_event(difficulty, node, D, t, t));
    engine.apply(value_event(fees, node, fee_per_block, t, t));
    engine.apply(value_event(price, node, px, t, t));

    // Independent: subsidy by repeated halving of 50 BTC in floating point; expected blocks per
    // day for 1 PH/s = 1e15 H/s * 86400 s / (D * 2^32) hashes per block.
    double subsidy = 50.0;
    for (long k = 0; k < tip / 210'000; ++k) subsidy /= 2.0;
    const double blocks_per_ph_day = 1e15 * 86400.0 / (D * std::ldexp(1.0, 32));
    const double expected_usd = (subsidy + fee_per_block) * blocks_per_ph_day * px;

    double got = 0;
    ASSERT_TRUE(engine.fresh_value(engine.model().hashprice_usd_per_ph_day, got)) << d.date;
    ASSERT_NEAR(got, expected_usd, 1e-9 * expected_usd) << d.date;
    results[d.date] = got;
  }
  // The dates quoted in docs/economics.md.
  EXPECT_NEAR(results["2024-01-01"], 94.1041, 5e-5);
  EXPECT_NEAR(results["2024-04-19"], 110.6348, 5e-5);
  EXPECT_NEAR(results["2024-04-20"], 187.7097, 5e-5);
  EXPECT_NEAR(results["2024-12-31"], 54.2817, 5e-5);
  EXPECT_NEAR(results["2025-07-01"], 57.3983, 5e-5);
  EXPECT_NEAR(results["2025-12-29"], 37.1615, 5e-5);
}

}  // namespace
}  // namespace hashwatch::rules
