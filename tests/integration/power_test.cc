// ERCOT end to end: hashwatch-feedsim serves ERCOT's public API (B2C token, subscription key,
// NP6-905-CD pages) with recorded prices, publishing a new 15-min interval every 0.2 s; the daemon
// signs in, polls, and exports each node's price; when the market stops publishing it goes stale.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "connectors/common/parse_util.h"
#include "rules/local_time.h"
#include "rules/model/tariff.h"
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

TEST(ErcotFeed, SignsInPollsExportsRecordedPricesAndGoesStaleWhenPublishingStops) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/ercot.key", "0123456789abcdef0123456789abcdef\n");
  write_file(dir + "/ercot.password", "correct horse\n");
  Process sim(binary_path("tools/feedsim/hashwatch-feedsim"), {"--ercot-publish-period", "0.2"});
  auto line = sim.wait_stdout([](const std::string& l) { return l.starts_with("feedsim listening "); }, 10s);
  ASSERT_TRUE(line) << sim.stderr_text();
  const std::uint16_t sim_port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  const std::string base = "http://127.0.0.1:" + std::to_string(sim_port) + "/ercot";
  write_file(dir + "/hashwatch.yaml",
             "server: {listen: 127.0.0.1:0}\nstate: {dir: state}\nfeeds:\n"
             "  - {name: ercot, kind: ercot, url: \"" + base + "\", token_url: \"" + base + "/token\", "
             "nodes: [HB_WEST, HB_SOUTH], username: miner@example.com, password_file: \"" + dir +
             "/ercot.password\", api_key_file: \"" + dir + "/ercot.key\", poll_interval: 1s, stale_after: 2s}\n");
  Process daemon(binary_path("daemon/hashwatchd"), {"--config", dir + "/hashwatch.yaml"});
  auto listen = daemon.wait_stderr(
      [](const std::string& l) { return l.find("http: listening on http://") != std::string::npos; }, 10s);
  ASSERT_TRUE(listen) << daemon.stderr_text();
  const std::uint16_t port = static_cast<std::uint16_t>(std::stoi(listen->substr(listen->rfind(':') + 1)));
  const std::string west = R"(hashwatch_power_price_usd_per_mwh{market="ercot",node="HB_WEST"})";
  ASSERT_TRUE(wait_until([&] { return metric(http_get(port, "/metrics").body, west).has_value(); }, 10s))
      << daemon.stderr_text();

  // The exported price is the recorded 2025-07-01 price of the same local (Central) interval.
  const std::string snap = http_get(port, "/api/v1/snapshot").body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(snap, m, std::regex(
      R"re("name":"power_price_usd_per_mwh","labels":\{"market":"ercot","node":"HB_WEST"\},"value":([^,]+),"stale":false,"source_time":"([^"]+)")re")))
      << snap;
  const double value = std::stod(m[1].str());
  const auto central = *rules::TimeZone::find("America/Chicago");
  char hhmm[8];
  const auto local = central.to_local(*connectors::parse_rfc3339_ns(m[2].str()));
  std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", local.hour, local.minute);
  std::ifstream csv(source_path("tests/fixtures/data/ercot_rt_spp_hubs_zones_15min_2025-07-01.csv"));
  std::string row;
  std::optional<double> recorded;
  while (std::getline(csv, row)) {
    if (row.compare(11, 5, hhmm) == 0) {
      std::vector<std::string> cols;
      std::stringstream ss(row);
      for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
      recorded = std::stod(cols[8]);  // hb_west_usd_per_mwh
    }
  }
  ASSERT_TRUE(recorded) << hhmm;
  EXPECT_EQ(value, *recorded) << "interval " << hhmm;
  EXPECT_EQ(metric(http_get(port, "/metrics").body, R"(hashwatch_feed_up{feed="ercot"})"), 1.0);

  // The market stops publishing: stale within stale_after + one poll, and the prices go away.
  ASSERT_EQ(http_request(sim_port, "POST", "/control/ercot/stop").status, 200);
  ASSERT_TRUE(wait_until([&] {
    const std::string t = http_get(port, "/metrics").body;
    return metric(t, R"(hashwatch_feed_up{feed="ercot"})") == 0.0 && !metric(t, west);
  }, 5s)) << http_get(port, "/metrics").body;
  EXPECT_GE(*metric(http_get(port, "/metrics").body, R"(hashwatch_feed_errors_total{feed="ercot",kind="stale"})"), 1.0);
  // Publishing resumes: fresh again.
  ASSERT_EQ(http_request(sim_port, "POST", "/control/ercot/resume").status, 200);
  EXPECT_TRUE(wait_until([&] { return metric(http_get(port, "/metrics").body, west).has_value(); }, 5s));
  std::system(("rm -rf " + dir).c_str());
}

TEST(ErcotFeed, WrongPasswordIsReported) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/ercot.key", "k\n");
  write_file(dir + "/ercot.password", "wrong\n");
  Process sim(binary_path("tools/feedsim/hashwatch-feedsim"), {});
  auto line = sim.wait_stdout([](const std::string& l) { return l.starts_with("feedsim listening "); }, 10s);
  ASSERT_TRUE(line);
  const std::string base = "http://127.0.0.1:" + line->substr(line->rfind(':') + 1) + "/ercot";
  write_file(dir + "/hashwatch.yaml",
             "server: {listen: 127.0.0.1:0}\nstate: {dir: state}\nfeeds:\n  - {name: ercot, kind: ercot, url: \"" + base +
                 "\", token_url: \"" + base + "/token\", nodes: [HB_WEST], username: u, password_file: \"" +
                 dir + "/ercot.password\", api_key_file: \"" + dir + "/ercot.key\"}\n");
  Process daemon(binary_path("daemon/hashwatchd"), {"--config", dir + "/hashwatch.yaml"});
  EXPECT_TRUE(daemon.wait_stderr([](const std::string& l) {
    return l.find("feed ercot: server_error (ERCOT sign-in failed: invalid_grant: AADB2C90225") != std::string::npos;
  }, 10s)) << daemon.stderr_text();
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace hashwatch::testing

namespace hashwatch::testing {
namespace {

using namespace std::chrono_literals;

TEST(PowerMarkets, CaisoPjmMisoAndTariffsExportExactPricesThenIsoFeedsGoStale) {
  const std::string dir = make_temp_dir();
  write_file(dir + "/pjm.key", "pjm-key\n");
  Process sim(binary_path("tools/feedsim/hashwatch-feedsim"), {});
  auto line = sim.wait_stdout([](const std::string& l) { return l.starts_with("feedsim listening "); }, 10s);
  ASSERT_TRUE(line) << sim.stderr_text();
  const std::string base = "http://127.0.0.1:" + line->substr(line->rfind(':') + 1);
  write_file(dir + "/hashwatch.yaml",
             "server: {listen: 127.0.0.1:0}\nstate: {dir: state}\nfeeds:\n"
             "  - {name: caiso, kind: caiso, url: \"" + base + "/caiso\", nodes: [TH_NP15_GEN-APND, TH_SP15_GEN-APND], poll_interval: 1s, stale_after: 3s}\n"
             "  - {name: pjm, kind: pjm, url: \"" + base + "/pjm\", nodes: [\"51288\"], api_key_file: \"" + dir + "/pjm.key\", poll_interval: 1s, stale_after: 3s}\n"
             "  - {name: miso, kind: miso, url: \"" + base + "/miso\", nodes: [INDIANA.HUB, TEXAS.HUB], poll_interval: 1s, stale_after: 3s}\n"
             "  - {name: ppa, kind: tariff, fixed_usd_per_mwh: 42, adder_usd_per_mwh: 3}\n"
             "  - name: tou\n    kind: tariff\n    zone: America/Chicago\n    base_usd_per_mwh: 40\n"
             "    periods: [{name: on_peak, days: weekdays, start: \"14:00\", end: \"20:00\", price_usd_per_mwh: 95}]\n");
  Process daemon(binary_path("daemon/hashwatchd"), {"--config", dir + "/hashwatch.yaml"});
  auto listen = daemon.wait_stderr(
      [](const std::string& l) { return l.find("http: listening on http://") != std::string::npos; }, 10s);
  ASSERT_TRUE(listen) << daemon.stderr_text();
  const std::uint16_t port = static_cast<std::uint16_t>(std::stoi(listen->substr(listen->rfind(':') + 1)));
  auto price = [](const char* market, const char* node) {
    return std::string("hashwatch_power_price_usd_per_mwh{market=\"") + market + "\",node=\"" + node + "\"}";
  };
  // The newest recorded interval of each market (17:10Z CAISO and PJM, 17:00Z MISO).
  const std::vector<std::pair<std::string, double>> expected{
      {price("caiso", "TH_NP15_GEN-APND"), 22.47}, {price("caiso", "TH_SP15_GEN-APND"), 17.95},
      {price("pjm", "51288"), 45.18},               {price("miso", "INDIANA.HUB"), 36.58},
      {price("miso", "TEXAS.HUB"), 29.40},          {price("tariff", "ppa"), 45.0}};
  ASSERT_TRUE(wait_until([&] {
    const std::string t = http_get(port, "/metrics").body;
    for (const auto& [name, value] : expected) {
      if (metric(t, name) != value) return false;
    }
    return true;
  }, 10s)) << http_get(port, "/metrics").body << daemon.stderr_text();
  // The time-of-use tariff gives what the schedule says for now, in Chicago time.
  rules::Tariff tou;
  tou.zone = rules::TimeZone::find("America/Chicago");
  tou.base_usd_per_mwh = 40;
  tou.periods.push_back(rules::TouPeriod{"on_peak", rules::kWeekdays, 14 * 60, 20 * 60, 95});
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_EQ(metric(http_get(port, "/metrics").body, price("tariff", "tou")), rules::tariff_price_usd_per_mwh(tou, now));
  // Nothing new is ever published: the three ISO feeds go stale, the tariffs stay.
  ASSERT_TRUE(wait_until([&] {
    const std::string t = http_get(port, "/metrics").body;
    return metric(t, R"(hashwatch_feed_up{feed="caiso"})") == 0.0 && metric(t, R"(hashwatch_feed_up{feed="pjm"})") == 0.0 &&
           metric(t, R"(hashwatch_feed_up{feed="miso"})") == 0.0;
  }, 8s)) << http_get(port, "/metrics").body;
  const std::string t = http_get(port, "/metrics").body;
  EXPECT_FALSE(metric(t, price("caiso", "TH_NP15_GEN-APND")));
  EXPECT_EQ(metric(t, R"(hashwatch_feed_up{feed="ppa"})"), 1.0);
  EXPECT_EQ(metric(t, price("tariff", "ppa")), 45.0);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace hashwatch::testing
