// Per-site mining economics (DESIGN §2): fleet totals, revenue per MWh, breakeven, mining and hosting
// margins, what curtailing earns, the recommended mode with hysteresis, and per-day figures. Pure
// formulas over explicit inputs; units are in every name. docs/economics.md has the derivations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hashwatch::rules {

struct MinerModel {
  std::string name;
  double hashrate_th_s = 0.0;
  double power_w = 0.0;
};

// Current Antminer and Whatsminer models (manufacturer specifications; sources in docs/economics.md).
const std::vector<MinerModel>& builtin_miner_models();
const MinerModel* find_miner_model(const std::vector<MinerModel>& models, std::string_view name);

struct FleetEntry {
  std::string model;
  std::int64_t count = 0;
};

struct FleetTotals {
  double hashrate_ph_s = 0.0;
  double power_mw = 0.0;
  double efficiency_j_per_th = 0.0;  // power / hashrate
};
// std::nullopt when a model is unknown or the fleet has no hashrate.
std::optional<FleetTotals> fleet_totals(const std::vector<FleetEntry>& fleet,
                                        const std::vector<MinerModel>& models);

enum class SiteMode : std::uint8_t { kMine = 0, kHost = 1, kCurtail = 2 };
const char* site_mode_name(SiteMode mode);

struct HostingOffer {
  std::optional<double> rate_usd_per_mwh;             // power included in the rate
  std::optional<double> hpc_lease_usd_per_kw_month;   // AI/HPC tenant, per kW of IT load per month
  bool power_pass_through = false;                     // lease: the tenant pays the power
};

inline constexpr double kHoursPerMonth = 730.0;

struct SiteInputs {
  double hashprice_usd_per_ph_day = 0.0;
  double hashprice_btc_per_ph_day = 0.0;
  double power_price_usd_per_mwh = 0.0;           // what the site pays (contract)
  std::optional<double> market_price_usd_per_mwh;  // what it could resell at (resale contracts)
};

struct SiteParams {
  double pool_fee_pct = 0.0;
  double opex_usd_per_mwh = 0.0;
  bool resale = false;                 // the contract lets the site sell its power back
  HostingOffer hosting;
  double hysteresis_usd_per_mwh = 0.0; // a mode change needs this much advantage
};

struct SiteEconomics {
  double mining_revenue_usd_per_mwh = 0.0;
  double breakeven_power_usd_per_mwh = 0.0;
  double mining_margin_usd_per_mwh = 0.0;
  std::optional<double> hosting_margin_usd_per_mwh;
  double curtail_value_usd_per_mwh = 0.0;
  SiteMode mode = SiteMode::kMine;
  double mining_profit_usd_per_day = 0.0;
  double btc_per_day = 0.0;
  std::optional<double> cost_per_btc_usd;
};

// `previous` is the mode in force (for hysteresis); std::nullopt picks the best outright.
SiteEconomics site_economics(const FleetTotals& fleet, const SiteParams& params, const SiteInputs& in,
                             std::optional<SiteMode> previous);

}  // namespace hashwatch::rules
