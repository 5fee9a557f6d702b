// hashwatchd's configuration: parsed once from YAML, validated with file:line:col positions (every
// error in one pass, unknown keys included), then immutable. See deploy/examples/ for full files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/feed_config.h"
#include "rules/duration.h"
#include "rules/model/site_economics.h"
#include "rules/rule_runtime.h"
#include "rules/time.h"

namespace hashwatch::daemon {

struct ServerConfig {
  std::string listen_host = "127.0.0.1";  // loopback unless told otherwise
  std::uint16_t listen_port = 9464;       // 0: pick a free port (tests)
  std::string auth_token_file;            // bearer token for mutating endpoints; empty: none
};

struct StateConfig {
  std::string dir = "/var/lib/hashwatch";
  TimeNs history_retention_ns = 30 * kNsPerDay;
};

struct PriceConfig {
  std::uint32_t min_sources = 1;    // fewer fresh, agreeing sources: btc_usd has no value
  double max_deviation_pct = 1.0;   // a source this far from the median of the others is excluded
};

struct LogConfig {
  std::string level = "info";  // trace | debug | info | warn | error
};

struct SitePowerConfig {
  std::string market, node;              // indexed: power_price_usd_per_mwh{market,node}
  std::string tariff;                    // or: a tariff feed's name
  std::optional<double> fixed_usd_per_mwh;  // or: a fixed price
  double adder_usd_per_mwh = 0.0;
  bool resale = false;                   // may sell its power back (at market/node)
};

struct SiteConfig {
  std::string name;
  SitePowerConfig power;
  std::vector<rules::FleetEntry> fleet;
  double pool_fee_pct = 0.0;
  double opex_usd_per_mwh = 0.0;
  rules::HostingOffer hosting;
  double hysteresis_usd_per_mwh = 0.0;
};

struct Config {
  std::string path;
  ServerConfig server;
  StateConfig state;
  std::vector<connectors::FeedConfig> feeds;
  PriceConfig price;
  LogConfig log;
  std::vector<rules::MinerModel> miners;  // the built-in library plus config additions/overrides
  std::vector<SiteConfig> sites;
  std::optional<double> btc_holdings;     // treasury
  std::vector<std::string> rule_files;    // rules.files patterns as written
  std::vector<rules::RuleDef> rules;      // the rules they hold (load_config_file)
  TimeNs rules_restore_grace_ns = 2 * kNsPerMinute;  // rules.restore_grace
};

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when the error has no position (e.g. unreadable file)
  int column = 0;  // 1-based
  std::string message;
  std::string to_string() const;  // "file:line:col: message"
};

struct ConfigResult {
  std::optional<Config> config;
  std::vector<ConfigError> errors;
  bool ok() const { return config.has_value() && errors.empty(); }
};

ConfigResult load_config_file(const std::string& path);
// `name` is used as the file name in error messages.
ConfigResult load_config_string(std::string_view yaml, const std::string& name);

// "500ms", "30s", "10m", "1h30m", "7d", "2w" to ns (rules/duration.h: one parser for config,
// rule files and expressions).
using hashwatch::parse_duration;

}  // namespace hashwatch::daemon
