// hashwatch: the command-line tool.
//   hashwatch check-config FILE          validate a configuration (exit 0/1, file:line:col errors)
//   hashwatch calc ...                   one-shot breakeven and margins from given numbers
//   hashwatch replay --config F --input FILE... --out DIR   backtest with the daemon's engine
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "connectors/common/parse_util.h"
#include "daemon/config.h"
#include "daemon/replay.h"
#include "rules/hashprice.h"
#include "rules/model/site_economics.h"

namespace {

using namespace hashwatch;

int check_config(const std::string& path) {
  auto result = daemon::load_config_file(path);
  if (!result.ok()) {
    for (const auto& e : result.errors) std::cerr << e.to_string() << "\n";
    std::cerr << path << ": " << result.errors.size() << " error" << (result.errors.size() == 1 ? "" : "s") << "\n";
    return 1;
  }
  const auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  std::size_t alerts = 0;
  for (const auto& r : result.config->rules) alerts += r.kind == rules::RuleDef::Kind::kAlert ? 1 : 0;
  std::cout << path << ": OK (" << plural(result.config->feeds.size(), "feed") << ", "
            << plural(result.config->sites.size(), "site") << ", "
            << plural(result.config->rules.size() - alerts, "recording rule") << ", "
            << plural(alerts, "alerting rule") << ")\n";
  return 0;
}

struct CalcArgs {
  std::optional<double> hashprice_usd, difficulty, fees_btc, btc_usd, efficiency, power_price, market_price;
  std::optional<double> hosting_rate, hpc_lease;
  std::int64_t height = 903'580;
  std::string model;
  double pool_fee_pct = 2.0, opex = 0.0, hysteresis = 0.0;
  bool pass_through = false, resale = false;
};

int calc(const CalcArgs& a) {
  double hp_usd = 0, hp_btc = 0;
  if (a.difficulty && a.fees_btc && a.btc_usd) {
    hp_btc = rules::hashprice_btc_per_ph_day(rules::block_subsidy_btc(a.height), *a.fees_btc, *a.difficulty);
    hp_usd = hp_btc * *a.btc_usd;
  } else if (a.hashprice_usd && a.btc_usd) {
    hp_usd = *a.hashprice_usd;
    hp_btc = hp_usd / *a.btc_usd;
  } else if (a.hashprice_usd) {
    hp_usd = *a.hashprice_usd;
  } else {
    std::cerr << "calc: give --hashprice-usd, or --difficulty, --fees-btc and --btc-usd\n";
    return 2;
  }
  rules::FleetTotals fleet{1.0, 0, 0};
  if (a.efficiency) {
    fleet.efficiency_j_per_th = *a.efficiency;
  } else if (const auto* m = rules::find_miner_model(rules::builtin_miner_models(), a.model)) {
    fleet.efficiency_j_per_th = m->power_w / m->hashrate_th_s;
  } else {
    std::cerr << "calc: give --efficiency-j-per-th or a known --model (e.g. \"Antminer S21\")\n";
    return 2;
  }
  fleet.power_mw = fleet.hashrate_ph_s * fleet.efficiency_j_per_th / 1000.0;  // per PH/s
  rules::SiteParams params{a.pool_fee_pct, a.opex, a.resale, {a.hosting_rate, a.hpc_lease, a.pass_through}, a.hysteresis};
  const auto e = rules::site_economics(fleet, params,
                                       rules::SiteInputs{hp_usd, hp_btc, a.power_price.value_or(0), a.market_price}, {});
  auto row = [](const char* name, double v, const char* unit) {
    if (v != 0 && std::abs(v) < 0.01) {
      std::printf("%-28s %14.9f  %s\n", name, v, unit);
    } else {
      std::printf("%-28s %14.4f  %s\n", name, v, unit);
    }
  };
  row("hashprice", hp_usd, "USD/(PH/s day)");
  if (hp_btc > 0) row("hashprice_btc", hp_btc, "BTC/(PH/s day)");
  row("efficiency", fleet.efficiency_j_per_th, "J/TH");
  row("mining_revenue", e.mining_revenue_usd_per_mwh, "USD/MWh");
  row("breakeven_power_price", e.breakeven_power_usd_per_mwh, "USD/MWh");
  if (a.power_price) {
    row("mining_margin", e.mining_margin_usd_per_mwh, "USD/MWh");
    if (e.hosting_margin_usd_per_mwh) row("hosting_margin", *e.hosting_margin_usd_per_mwh, "USD/MWh");
    row("curtail_value", e.curtail_value_usd_per_mwh, "USD/MWh");
    if (e.cost_per_btc_usd) row("cost_per_btc", *e.cost_per_btc_usd, "USD/BTC");
    std::printf("%-28s %14s\n", "mode", rules::site_mode_name(e.mode));
  }
  return 0;
}

int replay(const std::string& config_path, const std::vector<std::string>& inputs, const std::string& out,
           const std::string& from, const std::string& to) {
  daemon::ReplayWindow window;
  for (auto [text, slot] : {std::pair{&from, &window.from_ns}, std::pair{&to, &window.to_ns}}) {
    if (text->empty()) continue;
    auto t = connectors::parse_rfc3339_ns(*text);
    if (!t) {
      std::cerr << "replay: \"" << *text << "\" is not an RFC 3339 time (e.g. 2024-06-01T05:00:00Z)\n";
      return 2;
    }
    *slot = *t;
  }
  auto loaded = daemon::load_config_file(config_path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
    return 1;
  }
  std::vector<daemon::RawEvent> events;
  try {
    for (const auto& path : inputs) {
      auto more = daemon::read_replay_input(path);
      std::cerr << path << ": " << more.size() << " events\n";
      events.insert(events.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  const bool tty = isatty(STDERR_FILENO);
  auto progress = [&](std::size_t done, std::size_t total) {
    if (!tty) return;
    const int width = 40;
    const int filled = total ? static_cast<int>(width * done / total) : width;
    std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu events", filled, "########################################",
                 width - filled, "", done, total);
    if (done == total) std::fprintf(stderr, "\n");
  };
  const auto result = daemon::run_replay(*loaded.config, std::move(events), progress, window);
  daemon::write_replay_outputs(result, out);
  for (const auto& s : result.sites) {
    std::printf("%s: mine %.2f h, host %.2f h, curtail %.2f h, mining margin %.2f USD\n", s.site.c_str(),
                s.hours_mine, s.hours_host, s.hours_curtail, s.mining_margin_usd);
  }
  std::printf("%zu events, %zu mode changes, %zu alert notifications; results in %s\n", result.events,
              result.timeline.size(), result.alerts.size(), out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"hashwatch: tools for the hashwatch daemon"};
  cli.set_version_flag("--version", HASHWATCH_VERSION);
  cli.require_subcommand(1);

  std::string config_path;
  auto* check = cli.add_subcommand("check-config", "validate a configuration file (exit 0 or 1)");
  check->add_option("file", config_path, "configuration file")->required();

  CalcArgs c;
  auto* calc_cmd = cli.add_subcommand("calc", "breakeven and margins from given numbers");
  calc_cmd->add_option("--hashprice-usd", c.hashprice_usd, "hashprice, USD per PH/s per day");
  calc_cmd->add_option("--difficulty", c.difficulty, "network difficulty (with --fees-btc, --btc-usd)");
  calc_cmd->add_option("--height", c.height, "block height for the subsidy")->capture_default_str();
  calc_cmd->add_option("--fees-btc", c.fees_btc, "mean fees per block, BTC");
  calc_cmd->add_option("--btc-usd", c.btc_usd, "BTC price, USD");
  calc_cmd->add_option("--model", c.model, "miner model from the built-in library");
  calc_cmd->add_option("--efficiency-j-per-th", c.efficiency, "fleet efficiency, J/TH");
  calc_cmd->add_option("--pool-fee-pct", c.pool_fee_pct, "pool fee, percent")->capture_default_str();
  calc_cmd->add_option("--power-price", c.power_price, "power price paid, USD/MWh");
  calc_cmd->add_option("--opex", c.opex, "other operating cost, USD/MWh")->capture_default_str();
  calc_cmd->add_option("--hosting-rate", c.hosting_rate, "hosting offer, USD/MWh with power included");
  calc_cmd->add_option("--hpc-lease", c.hpc_lease, "HPC lease, USD per kW-month");
  calc_cmd->add_flag("--pass-through", c.pass_through, "the HPC tenant pays the power");
  calc_cmd->add_flag("--resale", c.resale, "the site may resell its power (give --market-price)");
  calc_cmd->add_option("--market-price", c.market_price, "market price the power could be sold at, USD/MWh");

  std::vector<std::string> inputs;
  std::string out = "replay-out";
  auto* replay_cmd = cli.add_subcommand("replay", "backtest the engine over recorded or historical inputs");
  replay_cmd->add_option("--config", config_path, "configuration (sites, price settings)")->required();
  replay_cmd->add_option("--input", inputs, "input CSV files (events, ERCOT history, daily bitcoin history)")->required();
  replay_cmd->add_option("--out", out, "output folder")->capture_default_str();
  std::string from, to;
  replay_cmd->add_option("--from", from, "count results from this UTC time (RFC 3339)");
  replay_cmd->add_option("--to", to, "and up to this UTC time");

  CLI11_PARSE(cli, argc, argv);
  if (check->parsed()) return check_config(config_path);
  if (calc_cmd->parsed()) return calc(c);
  if (replay_cmd->parsed()) return replay(config_path, inputs, out, from, to);
  return 2;
}
