// hashwatchd: the daemon. Parses flags, loads the configuration, and hands over to App.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "daemon/app.h"
#include "daemon/config.h"

int main(int argc, char** argv) {
  CLI::App cli{"hashwatchd: streaming market-data monitor for bitcoin miners"};
  std::string config_path = "/etc/hashwatch/hashwatch.yaml";
  std::string log_level;
  cli.add_option("-c,--config", config_path, "configuration file")->capture_default_str();
  cli.add_option("--log-level", log_level, "overrides log.level (trace|debug|info|warn|error)");
  cli.set_version_flag("--version", HASHWATCH_VERSION);
  CLI11_PARSE(cli, argc, argv);

  // journald is not guaranteed; stderr is what systemd captures.
  auto logger = spdlog::stderr_color_mt("hashwatchd");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);

  auto result = hashwatch::daemon::load_config_file(config_path);
  if (!result.ok()) {
    for (const auto& e : result.errors) std::cerr << e.to_string() << "\n";
    std::cerr << "hashwatchd: configuration rejected\n";
    return 1;
  }
  hashwatch::daemon::set_log_level(log_level.empty() ? result.config->log.level : log_level);
  spdlog::info("hashwatchd {} starting with {}", HASHWATCH_VERSION, config_path);
  hashwatch::daemon::App app(config_path, std::move(*result.config));
  return app.run();
}
