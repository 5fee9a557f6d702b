#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace hashwatch::testing {
namespace {

TEST(CheckConfig, ShippedExampleIsValid) {
  const auto r = run_command(binary_path("daemon/hashwatch"),
                             {"check-config", source_path("deploy/examples/hashwatch.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The built-in rules it names: 1 recording rule and 7 alerts (deploy/rules/hashwatch.yaml).
  EXPECT_NE(r.out.find("OK (6 feeds, 1 site, 1 recording rule, 7 alerting rules)"), std::string::npos) << r.out;
}

TEST(CheckConfig, ErrorsCarryFileLineColumnAndExitOne) {
  const std::string dir = make_temp_dir();
  const std::string path = dir + "/bad.yaml";
  write_file(path, "price:\n  min_sources: 2\n  max_deviaton_pct: 1\n");
  const auto r = run_command(binary_path("daemon/hashwatch"), {"check-config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ":3:3: price: unknown key \"max_deviaton_pct\" (did you mean "
                              "\"max_deviation_pct\"?)"),
            std::string::npos)
      << r.err;
  std::system(("rm -rf " + dir).c_str());
}

TEST(Calc, DesignExampleFromNetworkNumbers) {
  const auto r = run_command(binary_path("daemon/hashwatch"),
                             {"calc", "--difficulty", "1.2e14", "--fees-btc", "0.025", "--btc-usd", "100000",
                              "--height", "840000", "--efficiency-j-per-th", "17.5", "--pool-fee-pct", "2",
                              "--power-price", "40", "--opex", "3", "--hosting-rate", "78"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("hashprice                           52.8060  USD/(PH/s day)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mining_revenue                     123.2140  USD/MWh"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("breakeven_power_price              120.2140  USD/MWh"), std::string::npos);
  EXPECT_NE(r.out.find("hosting_margin                      35.0000  USD/MWh"), std::string::npos);
  EXPECT_NE(r.out.find("mode                                   mine"), std::string::npos);
}

TEST(Calc, ModelFromTheLibraryAndMissingInputs) {
  auto r = run_command(binary_path("daemon/hashwatch"),
                       {"calc", "--hashprice-usd", "50", "--model", "Antminer S21", "--pool-fee-pct", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 50 / (0.024 * 17.5) = 119.0476
  EXPECT_NE(r.out.find("mining_revenue                     119.0476  USD/MWh"), std::string::npos) << r.out;
  r = run_command(binary_path("daemon/hashwatch"), {"calc", "--model", "Antminer S21"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Replay, WritesSiteResultsAndTimeline) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/config.yaml",
             "sites:\n  - name: a\n    power: {market: ercot, node: HB_WEST}\n"
             "    fleet: [{model: \"Antminer S21\", count: 100}]\n"
             "rules: {files: [\"" + source_path("deploy/rules/hashwatch.yaml") + "\"]}\n");
  write_file(dir + "/events.csv",
             "time_utc,series,labels,value\n"
             "2025-07-01T17:00:00Z,block_height,,903580\n"
             "2025-07-01T17:00:00Z,difficulty,,1.2e14\n"
             "2025-07-01T17:00:00Z,fees_per_block_btc,,0.025\n"
             "2025-07-01T17:00:00Z,btc_usd,source=x,100000\n"
             "2025-07-01T17:00:00Z,power_price_usd_per_mwh,market=ercot;node=HB_WEST,40\n"
             "2025-07-01T17:15:00Z,power_price_usd_per_mwh,market=ercot;node=HB_WEST,500\n"
             "2025-07-01T17:30:00Z,power_price_usd_per_mwh,market=ercot;node=HB_WEST,45\n");
  const auto r = run_command(binary_path("daemon/hashwatch"),
                             {"replay", "--config", dir + "/config.yaml", "--input", dir + "/events.csv", "--out", dir + "/out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("a: mine 0.50 h, host 0.00 h, curtail 0.25 h"), std::string::npos) << r.out;
  std::ifstream timeline(dir + "/out/timeline.csv");
  std::stringstream t;
  t << timeline.rdbuf();
  EXPECT_EQ(t.str(),
            "time_utc,site,from,to\n2025-07-01T17:00:00Z,a,,mine\n2025-07-01T17:15:00Z,a,mine,curtail\n"
            "2025-07-01T17:30:00Z,a,curtail,mine\n");
  EXPECT_TRUE(std::ifstream(dir + "/out/summary.json").good());
  // The built-in rules ran over the replay: MiningBelowBreakeven (for: 10m) fired ten minutes after
  // the 500 $/MWh interval began, between two events, and resolved when the price fell back.
  std::ifstream alerts(dir + "/out/alerts.csv");
  std::stringstream a;
  a << alerts.rdbuf();
  EXPECT_NE(a.str().find("\n2025-07-01T17:25:00.000Z,firing,MiningBelowBreakeven,severity=critical;site=a,500,"),
            std::string::npos) << a.str();
  EXPECT_NE(a.str().find("\n2025-07-01T17:30:00.000Z,resolved,MiningBelowBreakeven,severity=critical;site=a,500,"),
            std::string::npos) << a.str();
  EXPECT_NE(a.str().find("\n2025-07-01T17:15:00.000Z,firing,SiteModeChanged,mode=mine;severity=info;site=a,-1,"),
            std::string::npos) << a.str();
  EXPECT_NE(r.out.find(" alert notifications; results in "), std::string::npos) << r.out;
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace hashwatch::testing
