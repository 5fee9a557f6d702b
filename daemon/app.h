// hashwatchd's wiring: config → engine thread (owns the Engine) ← SPSC ring ← I/O thread (feeds and
// HTTP server) and the main thread (signals, reload, systemd notify and watchdog). No business rule.
#pragma once

#include <memory>
#include <string>

#include "daemon/config.h"
#include "rules/engine.h"

namespace hashwatch::daemon {

class App {
 public:
  App(std::string config_path, Config config);
  ~App();
  // Runs until SIGTERM/SIGINT; returns the process exit code.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

void set_log_level(const std::string& level);

// The engine's view of a configuration: price settings, sites with their fleet totals and power
// price series, treasury.
rules::EngineConfig engine_config(const Config& config, rules::SeriesRegistry& registry);

}  // namespace hashwatch::daemon
