#include "rules/model/site_economics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rules/engine.h"

namespace hashwatch::rules {
namespace {

// Hand-computed with decimals: the DESIGN example, hashprice 52.8059899807 USD/PH/day.
constexpr double kHashpriceUsd = 52.8059899806976318359375;
constexpr double kHashpriceBtc = 0.000528059899806976318359375;

FleetTotals s21_fleet(std::int64_t count) {
  return *fleet_totals({{"Antminer S21", count}}, builtin_miner_models());
}

TEST(MinerLibrary, HasAtLeastTwelveCurrentModels) {
  EXPECT_GE(builtin_miner_models().size(), 12u);
  const MinerModel* s21 = find_miner_model(builtin_miner_models(), "Antminer S21");
  ASSERT_NE(s21, nullptr);
  EXPECT_EQ(s21->hashrate_th_s, 200);
  EXPECT_EQ(s21->power_w, 3500);
}

TEST(FleetTotals, SumsModelsAndDerivesEfficiency) {
  const auto t = fleet_totals({{"Antminer S21", 8000}, {"Whatsminer M60S", 1000}}, builtin_miner_models());
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(t->hashrate_ph_s, 1600.0 + 186.0);  // (8000*200 + 1000*186) TH/s / 1000
  EXPECT_DOUBLE_EQ(t->power_mw, 28.0 + 3.422);
  EXPECT_DOUBLE_EQ(t->efficiency_j_per_th, 31'422'000.0 / 1'786'000.0);
  EXPECT_FALSE(fleet_totals({{"Antminer S99", 1}}, builtin_miner_models()));
}

TEST(SiteEconomics, DesignWorkedExampleRevenue) {
  // 17.5 J/TH, 2 % pool fee: 52.806 * 0.98 / (0.024 * 17.5) = 123.2140 USD/MWh.
  const FleetTotals fleet{1.0, 0.0175, 17.5};
  const auto e = site_economics(fleet, SiteParams{2.0, 3.0, false, {}, 0}, SiteInputs{kHashpriceUsd, kHashpriceBtc, 40.0, {}}, {});
  EXPECT_NEAR(e.mining_revenue_usd_per_mwh, 123.21397662162781, 1e-9);
  EXPECT_NEAR(e.breakeven_power_usd_per_mwh, 120.21397662162781, 1e-9);
  EXPECT_NEAR(e.mining_margin_usd_per_mwh, 80.21397662162781, 1e-9);
  EXPECT_EQ(e.mode, SiteMode::kMine);
}

TEST(SiteEconomics, PerDayFiguresAndCostPerBtc) {
  const FleetTotals fleet = s21_fleet(8000);  // 1600 PH/s, 28 MW, 17.5 J/TH
  const auto e = site_economics(fleet, SiteParams{2.0, 3.0, false, {}, 0}, SiteInputs{kHashpriceUsd, kHashpriceBtc, 40.0, {}}, {});
  // btc/day = 0.0005280599 * 0.98 * 1600 = 0.82799792 BTC
  EXPECT_NEAR(e.btc_per_day, 0.000528059899806976318359375 * 0.98 * 1600, 1e-15);
  EXPECT_NEAR(e.mining_profit_usd_per_day, e.mining_margin_usd_per_mwh * 28 * 24, 1e-6);
  // cost per BTC = (40 + 3) * 28 MW * 24 h / btc per day
  ASSERT_TRUE(e.cost_per_btc_usd);
  EXPECT_NEAR(*e.cost_per_btc_usd, 43.0 * 28 * 24 / e.btc_per_day, 1e-6);
}

TEST(SiteEconomics, MarginIsExactlyZeroAtBreakeven) {
  const FleetTotals fleet = s21_fleet(100);
  const SiteParams params{2.0, 3.0, false, {}, 0};
  const double breakeven = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, 0, {}}, {}).breakeven_power_usd_per_mwh;
  const auto at = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, breakeven, {}}, {});
  EXPECT_EQ(at.mining_margin_usd_per_mwh, 0.0);
}

TEST(SiteEconomics, FlipsToCurtailExactlyWherePriceCrossesBreakevenWithResale) {
  const FleetTotals fleet = s21_fleet(100);
  const SiteParams params{2.0, 3.0, /*resale=*/true, {}, 0};
  const double breakeven = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, 0, {}}, {}).breakeven_power_usd_per_mwh;
  // Indexed contract with resale: what it pays is the market price.
  auto mode_at = [&](double price) {
    return site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, price, price}, SiteMode::kMine).mode;
  };
  EXPECT_EQ(mode_at(breakeven), SiteMode::kMine);
  EXPECT_EQ(mode_at(std::nextafter(breakeven, 1e9)), SiteMode::kCurtail);
  EXPECT_EQ(mode_at(std::nextafter(breakeven, -1e9)), SiteMode::kMine);
  // A fixed contract at 30 with resale at market: curtail pays market - 30, mining breakeven - 30.
  auto fixed_mode = [&](double market) {
    return site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, 30.0, market}, SiteMode::kMine).mode;
  };
  EXPECT_EQ(fixed_mode(breakeven), SiteMode::kMine);
  EXPECT_EQ(fixed_mode(breakeven + 0.01), SiteMode::kCurtail);
}

TEST(SiteEconomics, NoiseBelowHysteresisNeverFlips) {
  const FleetTotals fleet = s21_fleet(100);
  const SiteParams params{2.0, 3.0, true, {}, /*hysteresis=*/5.0};
  const double breakeven = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, 0, {}}, {}).breakeven_power_usd_per_mwh;
  std::optional<SiteMode> mode = SiteMode::kMine;
  int flips = 0;
  for (int i = 0; i < 1000; ++i) {
    const double price = breakeven + ((i % 2) ? 2.4 : -2.4);  // ±2.4 around breakeven: margin swings ±2.4 < 5
    const auto e = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, price, price}, mode);
    flips += e.mode != *mode;
    mode = e.mode;
  }
  EXPECT_EQ(flips, 0);
  // A move larger than the hysteresis flips, and flips back only past it the other way.
  auto e = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, breakeven + 5.01, breakeven + 5.01}, SiteMode::kMine);
  EXPECT_EQ(e.mode, SiteMode::kCurtail);
  e = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, breakeven - 4.9, breakeven - 4.9}, SiteMode::kCurtail);
  EXPECT_EQ(e.mode, SiteMode::kCurtail);
}

TEST(SiteEconomics, HostingRateAndHpcLease) {
  const FleetTotals fleet = s21_fleet(100);
  SiteParams params{2.0, 3.0, false, {}, 0};
  params.hosting.rate_usd_per_mwh = 78;
  auto e = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, 100.0, {}}, {});
  EXPECT_DOUBLE_EQ(*e.hosting_margin_usd_per_mwh, 78.0 - 100.0 - 3.0);
  // 130 $/kW-month = 130 * 1000 / 730 = 178.0822 $/MWh; with pass-through the tenant pays power.
  params.hosting = HostingOffer{std::nullopt, 130.0, true};
  e = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, 100.0, {}}, {});
  EXPECT_NEAR(*e.hosting_margin_usd_per_mwh, 130.0 * 1000 / 730 - 3.0, 1e-9);
  EXPECT_EQ(e.mode, SiteMode::kHost);  // mining margin is negative at 100 $/MWh
  params.hosting.power_pass_through = false;
  e = site_economics(fleet, params, SiteInputs{kHashpriceUsd, kHashpriceBtc, 100.0, {}}, {});
  EXPECT_NEAR(*e.hosting_margin_usd_per_mwh, 130.0 * 1000 / 730 - 100.0 - 3.0, 1e-9);
}

TEST(EngineSites, SeriesFollowHashpriceAndPowerPrice) {
  SeriesRegistry registry;
  EngineConfig config;
  config.btc_holdings = 26000;
  SiteSpec site;
  site.name = "tx-west-1";
  site.fleet = s21_fleet(8000);
  site.params = SiteParams{2.0, 3.0, false, {}, 0};
  site.power_series = registry.intern("power_price_usd_per_mwh", {{"market", "ercot"}, {"node", "HB_WEST"}});
  site.adder_usd_per_mwh = 4.5;
  config.sites.push_back(site);
  Engine engine(registry, config);
  const SourceId s = registry.intern_source("x");
  auto apply = [&](const char* name, Labels labels, double v, TimeNs t) {
    engine.apply(value_event(registry.intern(name, std::move(labels)), s, v, t, t));
  };
  apply("block_height", {}, 903'580, 1);
  apply("difficulty", {}, 1.2e14, 1);
  apply("fees_per_block_btc", {}, 0.025, 1);
  apply("btc_usd", {{"source", "x"}}, 100'000, 1);
  const SeriesId margin = registry.intern("site_mining_margin_usd_per_mwh", {{"site", "tx-west-1"}});
  double v = 0;
  EXPECT_FALSE(engine.fresh_value(margin, v));  // no power price yet
  apply("power_price_usd_per_mwh", {{"market", "ercot"}, {"node", "HB_WEST"}}, 35.5, 2);
  ASSERT_TRUE(engine.fresh_value(margin, v));
  const double revenue = kHashpriceUsd * 0.98 / (0.024 * 17.5);
  EXPECT_NEAR(v, revenue - 3.0 - 40.0, 1e-9);  // 35.5 + 4.5 adder
  ASSERT_TRUE(engine.fresh_value(registry.intern("site_mode", {{"site", "tx-west-1"}, {"mode", "mine"}}), v));
  EXPECT_EQ(v, 1.0);
  ASSERT_TRUE(engine.fresh_value(registry.intern("site_mode", {{"site", "tx-west-1"}, {"mode", "curtail"}}), v));
  EXPECT_EQ(v, 0.0);
  ASSERT_TRUE(engine.fresh_value(registry.intern("treasury_value_usd"), v));
  EXPECT_EQ(v, 2.6e9);
  // A price spike flips the site to curtail (margin < 0, curtailing costs nothing).
  apply("power_price_usd_per_mwh", {{"market", "ercot"}, {"node", "HB_WEST"}}, 500, 3);
  ASSERT_TRUE(engine.fresh_value(registry.intern("site_mode", {{"site", "tx-west-1"}, {"mode", "curtail"}}), v));
  EXPECT_EQ(v, 1.0);
  EXPECT_EQ(engine.site_mode(0), SiteMode::kCurtail);
}

}  // namespace
}  // namespace hashwatch::rules
