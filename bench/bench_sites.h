// The engine configuration the benchmarks share: n sites of S21s on five ERCOT nodes (every other
// site may resell), 26,000 BTC of treasury, two exchanges required for the aggregate.
#pragma once

#include <string>

#include "rules/engine.h"

namespace hashwatch::bench {

inline rules::EngineConfig with_sites(int n, rules::SeriesRegistry& registry) {
  rules::EngineConfig config{rules::AggregateConfig{2, 1.0}, {}, 26000.0};
  for (int i = 0; i < n; ++i) {
    rules::SiteSpec site;
    site.name = "site-" + std::to_string(i);
    site.fleet = *rules::fleet_totals({{"Antminer S21", 1000 + i}}, rules::builtin_miner_models());
    site.params = rules::SiteParams{2.0, 3.0, i % 2 == 0, {}, 1.0};
    site.power_series =
        registry.intern("power_price_usd_per_mwh", {{"market", "ercot"}, {"node", "HB_" + std::to_string(i % 5)}});
    site.resale_series = site.power_series;
    config.sites.push_back(site);
  }
  return config;
}

}  // namespace hashwatch::bench
