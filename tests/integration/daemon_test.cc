// End to end: hashwatch-feedsim serves recorded Coinbase and mempool feeds on loopback, hashwatchd
// consumes them; the test scrapes /metrics and talks systemd's notify protocol to the daemon.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <cmath>
#include <regex>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace hashwatch::testing {
namespace {

using namespace std::chrono_literals;

std::optional<double> metric(const std::string& text, const std::string& name_and_labels) {
  const std::string prefix = name_and_labels + " ";
  std::size_t pos = 0;
  while ((pos = text.find(prefix, pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      return std::stod(text.substr(pos + prefix.size()));
    }
    pos += prefix.size();
  }
  return std::nullopt;
}

double regex_number(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) throw std::runtime_error(pattern);
  return std::stod(m[1].str());
}

// The simulated inputs, read straight from the fixture files, and hashprice computed here
// independently of the engine.
struct Expected {
  double price_usd;
  double hashprice_usd_per_ph_day;
  double height;
};

Expected expected_from_fixtures() {
  Expected e{};
  const auto ticks = fixture_lines("coinbase/ticker_stream.jsonl");
  for (const auto& line : ticks) {
    if (line.find(R"("type":"ticker")") != std::string::npos) {
      e.price_usd = regex_number(line, R"re("price":"([0-9.]+)")re");
    }
  }
  e.height = std::stod(read_fixture("mempool/blocks_tip_height.txt"));
  const double difficulty = regex_number(read_fixture("mempool/mining_hashrate_3d.json"),
                                         R"re("currentDifficulty":([0-9.e+]+))re");
  const std::string rs = read_fixture("mempool/reward-stats_144.json");
  const double fee_sats = regex_number(rs, R"re("totalFee":"([0-9]+)")re");
  const double blocks = regex_number(rs, R"re("endBlock":([0-9]+))re") -
                        regex_number(rs, R"re("startBlock":([0-9]+))re") + 1;
  const long long halvings = static_cast<long long>(e.height) / 210000;
  const double subsidy_btc = static_cast<double>(5'000'000'000LL >> halvings) / 1e8;
  const double reward_btc = subsidy_btc + fee_sats / blocks / 1e8;
  const double hashes_per_block = difficulty * 4294967296.0;
  e.hashprice_usd_per_ph_day = reward_btc * (1e15 * 86400.0 / hashes_per_block) * e.price_usd;
  return e;
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = make_temp_dir();
    sim = std::make_unique<Process>(binary_path("tools/feedsim/hashwatch-feedsim"),
                                    std::vector<std::string>{"--rate", "200"});
    auto cb = sim->wait_stdout([](const std::string& l) { return l.starts_with("coinbase "); }, 10s);
    auto mp = sim->wait_stdout([](const std::string& l) { return l.starts_with("mempool "); }, 10s);
    ASSERT_TRUE(cb && mp) << sim->stderr_text();
    coinbase_url = cb->substr(9);
    mempool_url = mp->substr(8);
  }

  void TearDown() override {
    daemon.reset();
    sim.reset();
    std::system(("rm -rf " + dir).c_str());
  }

  std::string config_text(const std::string& extra = "", const std::string& coinbase_query = "",
                          const std::string& coinbase_extra = "") {
    return "server: {listen: 127.0.0.1:0}\nstate: {dir: state}\n"
           "log: {level: debug}\n"
           "feeds:\n"
           "  - {name: coinbase, kind: coinbase, url: \"" + coinbase_url + coinbase_query +
           "\", stale_after: 2s" + coinbase_extra + "}\n"
           "  - {name: mempool, kind: mempool, url: \"" + mempool_url + "\", poll_interval: 1s}\n" +
           extra;
  }

  void start_daemon(const std::string& config, std::map<std::string, std::string> env = {}) {
    config_path = dir + "/hashwatch.yaml";
    write_file(config_path, config);
    daemon = std::make_unique<Process>(binary_path("daemon/hashwatchd"),
                                       std::vector<std::string>{"--config", config_path}, env);
    auto line = daemon->wait_stderr(
        [](const std::string& l) { return l.find("http: listening on http://") != std::string::npos; },
        10s);
    ASSERT_TRUE(line) << daemon->stderr_text();
    port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  }

  std::string scrape() { return http_get(port, "/metrics").body; }

  bool wait_metric(const std::string& name, const std::function<bool(double)>& pred,
                   std::chrono::milliseconds timeout = 10s) {
    return wait_until(
        [&] {
          auto v = metric(scrape(), name);
          return v && pred(*v);
        },
        timeout);
  }

  std::string dir, coinbase_url, mempool_url, config_path;
  std::unique_ptr<Process> sim, daemon;
  std::uint16_t port = 0;
};

TEST_F(DaemonTest, HashpriceMatchesSimulatedInputs) {
  start_daemon(config_text());
  const Expected e = expected_from_fixtures();
  ASSERT_TRUE(wait_metric("hashwatch_btc_usd", [&](double v) { return v == e.price_usd; }))
      << scrape() << daemon->stderr_text();
  ASSERT_TRUE(wait_metric("hashwatch_hashprice_usd_per_ph_day", [&](double v) {
    return std::abs(v - e.hashprice_usd_per_ph_day) <= 1e-9 * e.hashprice_usd_per_ph_day;
  })) << scrape();
  const std::string text = scrape();
  EXPECT_EQ(metric(text, "hashwatch_block_height"), e.height);
  EXPECT_EQ(metric(text, "hashwatch_block_subsidy_btc"), 3.125);
  EXPECT_EQ(metric(text, R"(hashwatch_btc_usd{source="coinbase"})"), e.price_usd);
  EXPECT_EQ(metric(text, R"(hashwatch_feed_up{feed="coinbase"})"), 1);
  EXPECT_EQ(metric(text, R"(hashwatch_feed_up{feed="mempool"})"), 1);
  EXPECT_EQ(metric(text, R"(hashwatch_feed_sequence_gaps_total{feed="coinbase"})"), 1);
  EXPECT_GT(*metric(text, R"(hashwatch_feed_messages_total{feed="coinbase"})"), 20);
  EXPECT_GT(*metric(text, "hashwatch_event_to_decision_seconds_count"), 0);
}

TEST_F(DaemonTest, MetricsPassPromtool) {
  start_daemon(config_text());
  ASSERT_TRUE(wait_metric("hashwatch_hashprice_usd_per_ph_day", [](double) { return true; }));
  const auto r = run_command("promtool", {"check", "metrics"}, scrape());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(DaemonTest, SnapshotApiAndHealthEndpoints) {
  start_daemon(config_text());
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
  ASSERT_TRUE(wait_until([&] { return http_get(port, "/readyz").status == 200; }, 10s));
  ASSERT_TRUE(wait_metric("hashwatch_hashprice_usd_per_ph_day", [](double) { return true; }));
  const auto snap = http_get(port, "/api/v1/snapshot");
  EXPECT_EQ(snap.status, 200);
  EXPECT_NE(snap.body.find(R"("name":"hashprice_usd_per_ph_day")"), std::string::npos) << snap.body;
  EXPECT_EQ(http_get(port, "/nope").status, 404);
  EXPECT_EQ(http_request(port, "DELETE", "/metrics").status, 405);
}

TEST_F(DaemonTest, ReadyzReportsFeedThatNeverConnects) {
  // A port that refuses connections: the feed never becomes fresh.
  const std::string cfg =
      "server: {listen: 127.0.0.1:0}\nstate: {dir: state}\n"
      "feeds:\n"
      "  - {name: dead, kind: coinbase, url: \"ws://127.0.0.1:1/coinbase\", backoff: {initial: 50ms, max: 200ms}}\n";
  start_daemon(cfg);
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
  const auto r = http_get(port, "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("feed dead is not fresh"), std::string::npos);
  EXPECT_TRUE(wait_metric(R"(hashwatch_feed_errors_total{feed="dead",kind="connect"})",
                          [](double v) { return v >= 2; }));
  EXPECT_TRUE(wait_metric(R"(hashwatch_feed_reconnects_total{feed="dead"})",
                          [](double v) { return v >= 2; }));
}

TEST_F(DaemonTest, NotifiesReadyWatchdogAndStoppingThenExitsOnSigterm) {
  NotifySocket notify;
  start_daemon(config_text(), {{"NOTIFY_SOCKET", notify.path()},
                               {"WATCHDOG_USEC", "200000"},
                               {"WATCHDOG_PID", "$PID"}});
  ASSERT_TRUE(notify.wait_for("READY=1", 5s)) << daemon->stderr_text();
  ASSERT_TRUE(notify.wait_for("WATCHDOG=1", 5s)) << daemon->stderr_text();
  const auto t0 = Clock::now();
  daemon->signal(SIGTERM);
  ASSERT_TRUE(notify.wait_for("STOPPING=1", 2s));
  const auto code = daemon->wait_exit(2s);
  ASSERT_TRUE(code.has_value()) << "still running 2 s after SIGTERM";
  EXPECT_EQ(*code, 0) << daemon->stderr_text();
  EXPECT_LT(Clock::now() - t0, 2s);
}

TEST_F(DaemonTest, SighupWithBadConfigKeepsRunningConfig) {
  start_daemon(config_text());
  ASSERT_TRUE(wait_metric("hashwatch_btc_usd", [](double v) { return v > 0; }));
  write_file(config_path, config_text("price: {min_sources: zero}\n"));
  daemon->signal(SIGHUP);
  ASSERT_TRUE(wait_metric("hashwatch_config_last_reload_successful", [](double v) { return v == 0; }));
  EXPECT_TRUE(daemon->wait_stderr(
      [&](const std::string& l) {
        return l.find(config_path + ":7:22: price.min_sources: \"zero\" is not an integer") !=
               std::string::npos;
      },
      1s));
  // The old configuration is still in force: prices keep being served.
  EXPECT_TRUE(metric(scrape(), "hashwatch_btc_usd").has_value());
  EXPECT_FALSE(daemon->wait_exit(0ms).has_value());

  // A good configuration is applied: with two sources required, the single-exchange
  // aggregate disappears while the per-exchange price stays.
  write_file(config_path, config_text("price: {min_sources: 2}\n"));
  daemon->signal(SIGHUP);
  ASSERT_TRUE(wait_metric("hashwatch_config_last_reload_successful", [](double v) { return v == 1; }));
  EXPECT_TRUE(wait_until([&] { return !metric(scrape(), "hashwatch_btc_usd").has_value(); }, 5s));
  EXPECT_TRUE(metric(scrape(), R"(hashwatch_btc_usd{source="coinbase"})").has_value());
}

TEST_F(DaemonTest, HttpReloadRejectsBadConfigWithPosition) {
  start_daemon(config_text());
  write_file(config_path, config_text("bogus: 1\n"));
  const auto r = http_request(port, "POST", "/-/reload");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find(":7:1: top level: unknown key \"bogus\""), std::string::npos) << r.body;
  write_file(config_path, config_text());
  EXPECT_EQ(http_request(port, "POST", "/-/reload").status, 200);
}

TEST_F(DaemonTest, StalledFeedGoesDownAndReconnects) {
  // The simulator stops sending after 3 frames but keeps the socket open.
  start_daemon(config_text("", "?stall_after=3", ", backoff: {initial: 50ms, max: 200ms}"));
  ASSERT_TRUE(wait_metric(R"(hashwatch_feed_reconnects_total{feed="coinbase"})",
                          [](double v) { return v >= 1; }))
      << daemon->stderr_text();
  EXPECT_GE(*metric(scrape(), R"(hashwatch_feed_errors_total{feed="coinbase",kind="stale"})"), 1);
}

TEST_F(DaemonTest, BadConfigAtStartupExitsWithPosition) {
  config_path = dir + "/bad.yaml";
  write_file(config_path, "feeds:\n  - {name: x, kind: coinbase, stale_after: 0s}\n");
  Process p(binary_path("daemon/hashwatchd"), {"--config", config_path});
  EXPECT_EQ(p.wait_exit(5s), 1);
  EXPECT_NE(p.stderr_text().find(config_path + ":2:44: feeds[0] (x).stale_after: \"0s\" is not a positive duration"),
            std::string::npos)
      << p.stderr_text();
}

}  // namespace
}  // namespace hashwatch::testing

namespace hashwatch::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(DaemonTest, SiteSeriesFromLiveInputsAndATariff) {
  start_daemon(config_text(
      "  - {name: ppa, kind: tariff, fixed_usd_per_mwh: 38, adder_usd_per_mwh: 2}\n"
      "sites:\n"
      "  - name: tx-1\n"
      "    power: {tariff: ppa, adder_usd_per_mwh: 1}\n"
      "    fleet: [{model: \"Antminer S21\", count: 8000}]\n"
      "    pool_fee_pct: 2\n"
      "    opex_usd_per_mwh: 3\n"
      "    hosting: {hpc_lease_usd_per_kw_month: 130, power_pass_through: true}\n"
      "treasury: {btc_holdings: 1250}\n"));
  const Expected e = expected_from_fixtures();
  ASSERT_TRUE(wait_metric(R"(hashwatch_site_mining_margin_usd_per_mwh{site="tx-1"})", [](double) { return true; }))
      << scrape() << daemon->stderr_text();
  ASSERT_TRUE(wait_metric("hashwatch_btc_usd", [&](double v) { return v == e.price_usd; }));
  const std::string t = scrape();
  const double hashprice = *metric(t, "hashwatch_hashprice_usd_per_ph_day");
  const double revenue = hashprice * 0.98 / (0.024 * 17.5);
  EXPECT_EQ(metric(t, R"(hashwatch_site_power_price_usd_per_mwh{site="tx-1"})"), 41.0);  // 38 + 2 + 1
  EXPECT_NEAR(*metric(t, R"(hashwatch_site_mining_revenue_usd_per_mwh{site="tx-1"})"), revenue, 1e-9 * revenue);
  EXPECT_NEAR(*metric(t, R"(hashwatch_site_mining_margin_usd_per_mwh{site="tx-1"})"), revenue - 41.0 - 3.0, 1e-6);
  // The HPC lease (130 $/kW-month, power passed through) beats mining at ~137 $/MWh revenue.
  EXPECT_NEAR(*metric(t, R"(hashwatch_site_hosting_margin_usd_per_mwh{site="tx-1"})"), 130.0 * 1000 / 730 - 3.0, 1e-9);
  EXPECT_EQ(metric(t, R"(hashwatch_site_mode{mode="host",site="tx-1"})"), 1.0);
  EXPECT_EQ(metric(t, R"(hashwatch_site_mode{mode="mine",site="tx-1"})"), 0.0);
  EXPECT_EQ(metric(t, R"(hashwatch_site_hashrate_ph_per_second{site="tx-1"})"), 1600.0);
  EXPECT_EQ(metric(t, R"(hashwatch_site_power_mw{site="tx-1"})"), 28.0);
  EXPECT_EQ(metric(t, "hashwatch_treasury_value_usd"), 1250 * e.price_usd);
  const auto r = run_command("promtool", {"check", "metrics"}, t);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

// The alert with the given name in GET /api/v1/alerts, or null.
boost::json::object find_alert(std::uint16_t port, const std::string& name) {
  const auto doc = boost::json::parse(http_get(port, "/api/v1/alerts").body);
  for (const auto& a : doc.at("alerts").as_array()) {
    if (a.at("labels").at("alertname").as_string() == name) return a.as_object();
  }
  return {};
}

TEST_F(DaemonTest, RulesRunOnLiveDataAndAlertStateSurvivesARestart) {
  write_file(dir + "/rules.yaml",
             "groups:\n"
             "  - name: t\n"
             "    rules:\n"
             "      - record: price:doubled\n"
             "        expr: btc_usd{source=\"\"} * 2\n"
             "      - alert: PriceKnown\n"
             "        expr: price:doubled > 0\n"
             "        labels: {severity: info}\n"
             "        annotations: {summary: \"twice the price is {{ $value }}\"}\n"
             "      - alert: PriceWatch\n"
             "        expr: btc_usd{source=\"coinbase\"} > 0\n"
             "        for: 1h\n");
  const std::string cfg = config_text("rules: {files: [rules.yaml]}\n");
  start_daemon(cfg);
  const Expected e = expected_from_fixtures();
  ASSERT_TRUE(wait_metric("hashwatch_btc_usd", [&](double v) { return v == e.price_usd; })) << daemon->stderr_text();
  ASSERT_TRUE(wait_until([&] { return !find_alert(port, "PriceWatch").empty() && !find_alert(port, "PriceKnown").empty(); }, 10s));
  std::string t = scrape();
  EXPECT_EQ(metric(t, "hashwatch_price_doubled"), 2 * e.price_usd);  // exported without the colon
  EXPECT_EQ(metric(t, R"(hashwatch_alerts{alertname="PriceKnown",state="firing"})"), 1);
  EXPECT_EQ(metric(t, R"(hashwatch_alerts{alertname="PriceWatch",state="pending"})"), 1);
  EXPECT_EQ(metric(t, R"(hashwatch_alerts{alertname="PriceWatch",state="firing"})"), 0);
  EXPECT_EQ(metric(t, "hashwatch_rules_loaded"), 3);
  EXPECT_EQ(metric(t, "hashwatch_outbox_entries"), 1);  // the one firing notification
  EXPECT_EQ(metric(t, "hashwatch_alert_transitions_total"), 1);
  const auto r = run_command("promtool", {"check", "metrics"}, t);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  const auto known = find_alert(port, "PriceKnown");
  EXPECT_EQ(known.at("status").as_string(), "firing");
  EXPECT_EQ(known.at("labels").at("severity").as_string(), "info");
  char summary[64];
  std::snprintf(summary, sizeof summary, "twice the price is %g", 2 * e.price_usd);
  EXPECT_EQ(known.at("annotations").at("summary").as_string(), summary);
  const std::string known_sent = std::string(known.at("lastSentAt").as_string());
  // The generatorURL of a notification selects that one alert.
  const std::string url = std::string(known.at("generatorURL").as_string());
  const auto one = boost::json::parse(http_get(port, url.substr(url.find("/api/"))).body).at("alerts").as_array();
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].at("labels").at("alertname").as_string(), "PriceKnown");
  const std::string watch_active = std::string(find_alert(port, "PriceWatch").at("activeAt").as_string());

  daemon->signal(SIGTERM);
  ASSERT_EQ(daemon->wait_exit(5s), 0) << daemon->stderr_text();
  start_daemon(cfg);
  ASSERT_TRUE(wait_metric("hashwatch_btc_usd", [&](double v) { return v == e.price_usd; })) << daemon->stderr_text();
  // The rules have run on the new data (same pass as the price): the timers carried on.
  const auto watch = find_alert(port, "PriceWatch");
  ASSERT_FALSE(watch.empty());
  EXPECT_EQ(watch.at("status").as_string(), "pending");
  EXPECT_EQ(watch.at("activeAt").as_string(), watch_active);
  const auto known_after = find_alert(port, "PriceKnown");
  ASSERT_FALSE(known_after.empty());
  EXPECT_EQ(known_after.at("status").as_string(), "firing");
  EXPECT_EQ(known_after.at("lastSentAt").as_string(), known_sent);
  t = scrape();
  EXPECT_EQ(metric(t, "hashwatch_alert_transitions_total"), 0) << "a second firing notification after the restart";
  EXPECT_EQ(metric(t, "hashwatch_outbox_entries"), 1);

  // Reload without the recording rule and PriceKnown: the recorded series goes, the firing alert
  // of the removed rule is resolved (one more notification), and PriceWatch keeps its timer.
  write_file(dir + "/rules.yaml",
             "groups:\n"
             "  - name: t\n"
             "    rules:\n"
             "      - alert: PriceWatch\n"
             "        expr: btc_usd{source=\"coinbase\"} > 0\n"
             "        for: 1h\n");
  ASSERT_EQ(http_request(port, "POST", "/-/reload").status, 200);
  ASSERT_TRUE(wait_metric("hashwatch_rules_loaded", [](double v) { return v == 1; })) << scrape();
  ASSERT_TRUE(wait_metric("hashwatch_outbox_entries", [](double v) { return v == 2; })) << scrape();
  t = scrape();
  EXPECT_FALSE(metric(t, "hashwatch_price_doubled").has_value()) << t;
  EXPECT_TRUE(find_alert(port, "PriceKnown").empty());
  EXPECT_EQ(find_alert(port, "PriceWatch").at("activeAt").as_string(), watch_active);
}

}  // namespace
}  // namespace hashwatch::testing
