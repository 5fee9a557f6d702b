#include "rules/model/site_economics.h"

#include <algorithm>

namespace hashwatch::rules {

const std::vector<MinerModel>& builtin_miner_models() {
  // Nominal hashrate and wall power at the default (stock) setting, from the manufacturers' spec
  // pages; see docs/economics.md for sources. Config `miners:` adds or overrides models.
  static const std::vector<MinerModel> models{
      {"Antminer S21", 200, 3500},          {"Antminer S21 Pro", 234, 3510},
      {"Antminer S21 XP", 270, 3645},       {"Antminer S21 Hydro", 335, 5360},
      {"Antminer S21+", 216, 3564},         {"Antminer S21 XP Hydro", 473, 5676},
      {"Antminer S19 XP", 140, 3010},       {"Antminer S19j Pro", 104, 3068},
      {"Antminer T21", 190, 3610},          {"Whatsminer M60S", 186, 3422},
      {"Whatsminer M63S", 390, 7215},       {"Whatsminer M66S", 298, 5513},
      {"Whatsminer M50S", 126, 3276},       {"Whatsminer M30S++", 112, 3472},
  };
  return models;
}

const MinerModel* find_miner_model(const std::vector<MinerModel>& models, std::string_view name) {
  for (const MinerModel& m : models) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::optional<FleetTotals> fleet_totals(const std::vector<FleetEntry>& fleet,
                                        const std::vector<MinerModel>& models) {
  FleetTotals t;
  double th_s = 0, watts = 0;
  for (const FleetEntry& e : fleet) {
    const MinerModel* m = find_miner_model(models, e.model);
    if (m == nullptr) return std::nullopt;
    th_s += m->hashrate_th_s * static_cast<double>(e.count);
    watts += m->power_w * static_cast<double>(e.count);
  }
  if (!(th_s > 0)) return std::nullopt;
  t.hashrate_ph_s = th_s / 1000.0;
  t.power_mw = watts / 1e6;
  t.efficiency_j_per_th = watts / th_s;
  return t;
}

const char* site_mode_name(SiteMode mode) {
  switch (mode) {
    case SiteMode::kMine: return "mine";
    case SiteMode::kHost: return "host";
    case SiteMode::kCurtail: return "curtail";
  }
  return "mine";
}

SiteEconomics site_economics(const FleetTotals& fleet, const SiteParams& p, const SiteInputs& in,
                             std::optional<SiteMode> previous) {
  SiteEconomics e;
  const double fee = p.pool_fee_pct / 100.0;
  // 1 MW runs 1e6 / E TH/s = 1e3 / E PH/s; an hour is 1/24 day: hashprice * (1 - fee) / (0.024 E).
  e.mining_revenue_usd_per_mwh = in.hashprice_usd_per_ph_day * (1.0 - fee) / (0.024 * fleet.efficiency_j_per_th);
  e.breakeven_power_usd_per_mwh = e.mining_revenue_usd_per_mwh - p.opex_usd_per_mwh;
  e.mining_margin_usd_per_mwh = e.breakeven_power_usd_per_mwh - in.power_price_usd_per_mwh;
  if (p.hosting.rate_usd_per_mwh) {
    e.hosting_margin_usd_per_mwh = *p.hosting.rate_usd_per_mwh - in.power_price_usd_per_mwh - p.opex_usd_per_mwh;
  } else if (p.hosting.hpc_lease_usd_per_kw_month) {
    // $/kW-month → $/MWh: 1000 kW per MW over 730 h per month.
    const double lease_usd_per_mwh = *p.hosting.hpc_lease_usd_per_kw_month * 1000.0 / kHoursPerMonth;
    e.hosting_margin_usd_per_mwh = lease_usd_per_mwh - (p.hosting.power_pass_through ? 0.0 : in.power_price_usd_per_mwh) -
                                   p.opex_usd_per_mwh;
  }
  // Stopping earns the resale spread where the contract allows it; otherwise nothing.
  e.curtail_value_usd_per_mwh =
      p.resale && in.market_price_usd_per_mwh ? *in.market_price_usd_per_mwh - in.power_price_usd_per_mwh : 0.0;

  auto value_of = [&](SiteMode m) {
    switch (m) {
      case SiteMode::kMine: return e.mining_margin_usd_per_mwh;
      case SiteMode::kHost: return e.hosting_margin_usd_per_mwh.value_or(-1e300);
      case SiteMode::kCurtail: return e.curtail_value_usd_per_mwh;
    }
    return 0.0;
  };
  SiteMode best = SiteMode::kMine;
  for (SiteMode m : {SiteMode::kHost, SiteMode::kCurtail}) {
    if (value_of(m) > value_of(best)) best = m;
  }
  e.mode = best;
  if (previous && *previous != best && value_of(best) - value_of(*previous) <= p.hysteresis_usd_per_mwh) {
    e.mode = *previous;  // not enough advantage to switch
  }
  e.mining_profit_usd_per_day = e.mining_margin_usd_per_mwh * fleet.power_mw * 24.0;
  e.btc_per_day = in.hashprice_btc_per_ph_day * (1.0 - fee) * fleet.hashrate_ph_s;
  if (e.btc_per_day > 0) {
    e.cost_per_btc_usd = (in.power_price_usd_per_mwh + p.opex_usd_per_mwh) * fleet.power_mw * 24.0 / e.btc_per_day;
  }
  return e;
}

}  // namespace hashwatch::rules
