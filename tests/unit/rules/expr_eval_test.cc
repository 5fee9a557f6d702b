// Expressions evaluated over a small fixed history at t = 3600 s, each with its expected result.
#include "rules/expr/eval.h"

#include <gtest/gtest.h>

#include <map>

#include "rules/expr/parser.h"
#include "rules/expr/program.h"
#include "tests/support/series_table.h"

namespace hashwatch::rules::expr {
namespace {

constexpr TimeNs s(double seconds) { return static_cast<TimeNs>(seconds * 1e9); }

const hashwatch::testing::SeriesTable& source() {
  static const hashwatch::testing::SeriesTable src({
      {"btc_usd", {{"source", "coinbase"}}, {{s(0), 100}, {s(600), 102}, {s(1200), 101}, {s(1800), 104}, {s(2400), 103}, {s(3000), 105}, {s(3600), 106}}},
      {"btc_usd", {{"source", "kraken"}}, {{s(0), 99}, {s(3600), 105}}},
      {"btc_usd", {{"source", "binance"}}, {{s(3000), 110}}},
      {"btc_usd", {}, {{s(3600), 105.5}}},
      {"hashprice_usd_per_ph_day", {}, {{s(0), 60}, {s(1800), 57}, {s(3600), 54}}},
      {"site_power_price_usd_per_mwh", {{"site", "a"}}, {{s(3000), 40}}},
      {"site_power_price_usd_per_mwh", {{"site", "b"}}, {{s(3000), 90}}},
      {"site_breakeven_power_usd_per_mwh", {{"site", "a"}}, {{s(3000), 60}}},
      {"site_breakeven_power_usd_per_mwh", {{"site", "b"}}, {{s(3000), 60}}},
      {"site_mining_margin_usd_per_mwh", {{"site", "a"}}, {{s(3000), 17}}},
      {"site_mining_margin_usd_per_mwh", {{"site", "b"}}, {{s(3000), -33}}},
      {"site_hosting_margin_usd_per_mwh", {{"site", "a"}}, {{s(3000), 5}}},
      {"site_mode", {{"mode", "mine"}, {"site", "a"}}, {{s(3000), 1}}},
      {"site_mode", {{"mode", "curtail"}, {"site", "a"}}, {{s(3000), 0}}},
      {"site_mode", {{"mode", "mine"}, {"site", "b"}}, {{s(3000), 0}}},
      {"site_mode", {{"mode", "curtail"}, {"site", "b"}}, {{s(3000), 1}}},
      {"msgs_total", {{"feed", "x"}}, {{s(0), 0}, {s(1800), 900}, {s(2700), 50}, {s(3600), 950}}},
      {"power_price_usd_per_mwh", {{"market", "ercot"}, {"node", "HB_WEST"}}, {{s(2700), 35}, {s(3600), 41}}},
      {"power_price_usd_per_mwh", {{"market", "ercot"}, {"node", "HB_SOUTH"}}, {{s(2700), 30}, {s(3600), 29}}},
      {"power_price_usd_per_mwh", {{"market", "caiso"}, {"node", "TH_NP15"}}, {{s(3600), 22}}},
  }, s(3600));
  return src;
}

struct Case {
  const char* expr;
  const char* expected;  // to_string of the result; "" = empty vector; "error: ..." = evaluation error
};

const Case kCases[] = {
    // numbers and scalar arithmetic
    {"1", "1"},
    {"1 + 2 * 3", "7"},
    {"(1 + 2) * 3", "9"},
    {"2 ^ 3 ^ 2", "512"},
    {"-2 ^ 2", "-4"},
    {"7 % 4", "3"},
    {"1 / 4", "0.25"},
    {"3 > bool 2", "1"},
    {"3 < bool 2", "0"},
    {"2 == bool 2", "1"},
    {"3 > 2", "error: a comparison of two numbers needs bool"},
    // selectors
    {"btc_usd{source=\"coinbase\"}", "btc_usd{source=\"coinbase\"} 106"},
    {"btc_usd{source=\"nope\"}", ""},
    {"btc_usd{source!=\"coinbase\"}", "btc_usd{source=\"binance\"} 110\nbtc_usd{source=\"kraken\"} 105\nbtc_usd{} 105.5"},
    {"btc_usd{source=~\"co.*|kr.*\"}", "btc_usd{source=\"coinbase\"} 106\nbtc_usd{source=\"kraken\"} 105"},
    {"btc_usd{source=~\"coin\"}", ""},
    {"btc_usd{source!~\"coinbase|kraken\"}", "btc_usd{source=\"binance\"} 110\nbtc_usd{} 105.5"},
    {"btc_usd{source=\"\"}", "btc_usd{} 105.5"},
    {"{site=\"a\"}", "site_breakeven_power_usd_per_mwh{site=\"a\"} 60\nsite_hosting_margin_usd_per_mwh{site=\"a\"} 5\nsite_mining_margin_usd_per_mwh{site=\"a\"} 17\nsite_mode{mode=\"curtail\",site=\"a\"} 0\nsite_mode{mode=\"mine\",site=\"a\"} 1\nsite_power_price_usd_per_mwh{site=\"a\"} 40"},
    {"missing_series", ""},
    {"power_price_usd_per_mwh{market=\"ercot\"}", "power_price_usd_per_mwh{market=\"ercot\",node=\"HB_SOUTH\"} 29\npower_price_usd_per_mwh{market=\"ercot\",node=\"HB_WEST\"} 41"},
    // offset
    {"hashprice_usd_per_ph_day offset 1h", "hashprice_usd_per_ph_day{} 60"},
    {"hashprice_usd_per_ph_day offset 30m", "hashprice_usd_per_ph_day{} 57"},
    {"hashprice_usd_per_ph_day offset 2h", ""},
    {"hashprice_usd_per_ph_day / (hashprice_usd_per_ph_day offset 1h)", "{} 0.9"},
    {"hashprice_usd_per_ph_day / (hashprice_usd_per_ph_day offset 1h) < 0.95", "{} 0.9"},
    {"hashprice_usd_per_ph_day / (hashprice_usd_per_ph_day offset 1h) < 0.85", ""},
    // vector and scalar
    {"btc_usd{source=\"kraken\"} + 1", "{source=\"kraken\"} 106"},
    {"2 * btc_usd{source=\"kraken\"}", "{source=\"kraken\"} 210"},
    {"1000 / hashprice_usd_per_ph_day", "{} 18.51851852"},
    {"-site_mining_margin_usd_per_mwh", "{site=\"a\"} -17\n{site=\"b\"} 33"},
    {"site_mining_margin_usd_per_mwh > 0", "site_mining_margin_usd_per_mwh{site=\"a\"} 17"},
    {"site_mining_margin_usd_per_mwh < 0", "site_mining_margin_usd_per_mwh{site=\"b\"} -33"},
    {"site_mining_margin_usd_per_mwh > bool 0", "{site=\"a\"} 1\n{site=\"b\"} 0"},
    {"0 < site_mining_margin_usd_per_mwh", "site_mining_margin_usd_per_mwh{site=\"a\"} 17"},
    {"site_mining_margin_usd_per_mwh != 17", "site_mining_margin_usd_per_mwh{site=\"b\"} -33"},
    {"site_mining_margin_usd_per_mwh == -33", "site_mining_margin_usd_per_mwh{site=\"b\"} -33"},
    {"site_mining_margin_usd_per_mwh >= 17", "site_mining_margin_usd_per_mwh{site=\"a\"} 17"},
    {"site_mining_margin_usd_per_mwh <= -34", ""},
    {"site_mining_margin_usd_per_mwh % 10", "{site=\"a\"} 7\n{site=\"b\"} -3"},
    // vector and vector, one to one
    {"site_power_price_usd_per_mwh > site_breakeven_power_usd_per_mwh", "site_power_price_usd_per_mwh{site=\"b\"} 90"},
    {"site_power_price_usd_per_mwh > bool site_breakeven_power_usd_per_mwh", "{site=\"a\"} 0\n{site=\"b\"} 1"},
    {"site_breakeven_power_usd_per_mwh - site_power_price_usd_per_mwh", "{site=\"a\"} 20\n{site=\"b\"} -30"},
    {"site_hosting_margin_usd_per_mwh - site_mining_margin_usd_per_mwh", "{site=\"a\"} -12"},
    {"site_power_price_usd_per_mwh / site_breakeven_power_usd_per_mwh", "{site=\"a\"} 0.6666666667\n{site=\"b\"} 1.5"},
    {"site_mode{mode=\"mine\"} - ignoring(mode) site_mode{mode=\"curtail\"}", "{mode=\"mine\",site=\"a\"} 1\n{mode=\"mine\",site=\"b\"} -1"},
    {"site_mode{mode=\"mine\"} - on(site) site_mode{mode=\"curtail\"}", "{site=\"a\"} 1\n{site=\"b\"} -1"},
    {"site_mode{mode=\"mine\"} - site_mode{mode=\"curtail\"}", ""},
    {"site_mode{mode=\"mine\"} == bool on(site) site_mode{mode=\"curtail\"}", "{site=\"a\"} 0\n{site=\"b\"} 0"},
    {"site_mode{mode=\"mine\"} > on(site) site_mode{mode=\"curtail\"}", "site_mode{mode=\"mine\",site=\"a\"} 1"},
    {"btc_usd - on() hashprice_usd_per_ph_day", "error: several series on the left match the same labels; use on() or an aggregation"},
    {"hashprice_usd_per_ph_day - on() btc_usd", "error: several series on the right match the same labels; use on() or an aggregation"},
    {"btc_usd{source=\"kraken\"} - on() hashprice_usd_per_ph_day", "{} 51"},
    {"btc_usd{source=\"coinbase\"} - ignoring(source) btc_usd{source=\"\"}", "{source=\"coinbase\"} 0.5"},
    // and / or / unless
    {"site_mining_margin_usd_per_mwh and site_hosting_margin_usd_per_mwh", "site_mining_margin_usd_per_mwh{site=\"a\"} 17"},
    {"site_mining_margin_usd_per_mwh unless site_hosting_margin_usd_per_mwh", "site_mining_margin_usd_per_mwh{site=\"b\"} -33"},
    {"site_hosting_margin_usd_per_mwh or site_mining_margin_usd_per_mwh", "site_hosting_margin_usd_per_mwh{site=\"a\"} 5\nsite_mining_margin_usd_per_mwh{site=\"b\"} -33"},
    {"site_mining_margin_usd_per_mwh > 0 or site_power_price_usd_per_mwh > 80", "site_mining_margin_usd_per_mwh{site=\"a\"} 17\nsite_power_price_usd_per_mwh{site=\"b\"} 90"},
    {"site_mining_margin_usd_per_mwh > 0 and site_power_price_usd_per_mwh > 80", ""},
    {"site_mode and on(site) site_mining_margin_usd_per_mwh < 0", "site_mode{mode=\"curtail\",site=\"b\"} 1\nsite_mode{mode=\"mine\",site=\"b\"} 0"},
    {"missing_series or btc_usd{source=\"kraken\"}", "btc_usd{source=\"kraken\"} 105"},
    {"btc_usd{source=\"kraken\"} unless missing_series", "btc_usd{source=\"kraken\"} 105"},
    {"1 and btc_usd", "error: and works on series, not numbers"},
    // aggregations
    {"sum(site_mining_margin_usd_per_mwh)", "{} -16"},
    {"min(site_mining_margin_usd_per_mwh)", "{} -33"},
    {"max(site_mining_margin_usd_per_mwh)", "{} 17"},
    {"avg(site_mining_margin_usd_per_mwh)", "{} -8"},
    {"count(site_mining_margin_usd_per_mwh)", "{} 2"},
    {"count(btc_usd{source!=\"\"})", "{} 3"},
    {"avg(btc_usd{source!=\"\"})", "{} 107"},
    {"max by (market) (power_price_usd_per_mwh)", "{market=\"caiso\"} 22\n{market=\"ercot\"} 41"},
    {"min(power_price_usd_per_mwh) by (market)", "{market=\"caiso\"} 22\n{market=\"ercot\"} 29"},
    {"sum by (site) (site_mode)", "{site=\"a\"} 1\n{site=\"b\"} 1"},
    {"sum by (mode) (site_mode)", "{mode=\"curtail\"} 1\n{mode=\"mine\"} 1"},
    {"count by (site) (site_mining_margin_usd_per_mwh < 0)", "{site=\"b\"} 1"},
    {"sum(missing_series)", ""},
    {"sum by (nope) (site_mining_margin_usd_per_mwh)", "{} -16"},
    {"sum(1)", "error: aggregations take a series expression"},
    {"sum by (site) (site_power_price_usd_per_mwh) / on(site) sum by (site) (site_breakeven_power_usd_per_mwh)", "{site=\"a\"} 0.6666666667\n{site=\"b\"} 1.5"},
    // functions
    {"abs(site_mining_margin_usd_per_mwh)", "{site=\"a\"} 17\n{site=\"b\"} 33"},
    {"abs(-3)", "3"},
    {"clamp_min(site_mining_margin_usd_per_mwh, 0)", "{site=\"a\"} 17\n{site=\"b\"} 0"},
    {"clamp_max(site_mining_margin_usd_per_mwh, 10)", "{site=\"a\"} 10\n{site=\"b\"} -33"},
    {"clamp_min(site_mining_margin_usd_per_mwh, btc_usd)", "error: clamp_min() takes a number as its second argument"},
    {"time()", "3600"},
    {"time() - 600", "3000"},
    {"age(btc_usd{source=\"coinbase\"})", "{source=\"coinbase\"} 0"},
    {"age(btc_usd{source=\"binance\"})", "{source=\"binance\"} 600"},
    {"age(btc_usd{source=\"binance\"}) > 60", "{source=\"binance\"} 600"},
    {"age(site_mining_margin_usd_per_mwh)", "{site=\"a\"} 600\n{site=\"b\"} 600"},
    {"age(hashprice_usd_per_ph_day)", "{} 0"},
    // range functions
    // A window holds its points plus the one in force when it opens (the value at t = 0 for [1h]).
    {"avg_over_time(btc_usd{source=\"coinbase\"}[1h])", "{source=\"coinbase\"} 103"},  // (100 + 102 + 101 + 104 + 103 + 105 + 106) / 7
    {"min_over_time(btc_usd{source=\"coinbase\"}[1h])", "{source=\"coinbase\"} 100"},
    {"max_over_time(btc_usd{source=\"coinbase\"}[30m])", "{source=\"coinbase\"} 106"},
    {"sum_over_time(hashprice_usd_per_ph_day[1h])", "{} 171"},  // 60 (in force at 0) + 57 + 54
    {"count_over_time(btc_usd{source=\"coinbase\"}[1h])", "{source=\"coinbase\"} 7"},
    {"count_over_time(btc_usd{source=\"coinbase\"}[2h])", "{source=\"coinbase\"} 7"},
    {"count_over_time(btc_usd{source=\"binance\"}[10m])", "{source=\"binance\"} 1"},  // set at 3000, still in force
    {"count_over_time(btc_usd{source=\"binance\"}[10m] offset 20m)", ""},  // not yet set when that window closed
    {"delta(hashprice_usd_per_ph_day[2h])", "{} -6"},
    {"delta(hashprice_usd_per_ph_day[1h])", "{} -6"},  // 54 now, 60 in force when the hour began
    {"delta(btc_usd{source=\"binance\"}[1h])", ""},
    {"rate(msgs_total[2h])", "{feed=\"x\"} 0.2569444444"},  // (900 + 50 after the reset + 900) / 7200 s
    {"rate(msgs_total[30m])", "{feed=\"x\"} 0.5277777778"},  // from 900 at the start: reset to 50, then +900; 950 / 1800 s
    {"avg_over_time(btc_usd{source=\"coinbase\"}[1h] offset 30m)", "{source=\"coinbase\"} 101.75"},  // (100 + 102 + 101 + 104) / 4
    {"max_over_time(site_mining_margin_usd_per_mwh[1h]) < 0", "{site=\"b\"} -33"},
    {"avg_over_time(hashprice_usd_per_ph_day[2h]) - hashprice_usd_per_ph_day", "{} 3"},
    {"btc_usd{source=\"coinbase\"}[5m]", "error: a range selector needs a function such as avg_over_time()"},
    {"absent(btc_usd{source=\"coinbase\"})", ""},
    {"absent(btc_usd{source=\"ftx\"})", "{source=\"ftx\"} 1"},
    {"absent(missing_series)", "{} 1"},
    // Found in review: a label named twice in by() must not appear twice in the result.
    {"sum by (site, site) (site_mode)", "{site=\"a\"} 1\n{site=\"b\"} 1"},
    // DESIGN's example rules
    {"site_power_price_usd_per_mwh > site_breakeven_power_usd_per_mwh", "site_power_price_usd_per_mwh{site=\"b\"} 90"},
    {"age(btc_usd) > 60", "{source=\"binance\"} 600"},
};

TEST(ExprEval, NestedRepetitionMatchesInLinearTime) {
  // Found by the fuzzer: a backtracking engine (std::regex) takes 2^n steps for this on n
  // characters and never returns here; RE2 answers at once. No timing: a hang fails the test.
  auto parsed = parse("x{site=~\"((a*)*)*b\"}");
  ASSERT_TRUE(std::holds_alternative<NodePtr>(parsed));
  const std::string value(64, 'a');
  EXPECT_FALSE(matches(*std::get<NodePtr>(parsed), "x", {{"site", value}}));
  EXPECT_TRUE(matches(*std::get<NodePtr>(parsed), "x", {{"site", value + "b"}}));
}

TEST(ExprEval, TableOfExpressionsAndResults) {
  ASSERT_GE(sizeof(kCases) / sizeof(kCases[0]), 100u);
  for (const Case& c : kCases) {
    auto parsed = parse(c.expr);
    ASSERT_TRUE(std::holds_alternative<NodePtr>(parsed)) << c.expr << ": " << std::get<ParseError>(parsed).message;
    auto result = evaluate(*std::get<NodePtr>(parsed), s(3600), source());
    std::string got;
    if (auto* e = std::get_if<EvalError>(&result)) {
      got = "error: " + e->message;
    } else {
      got = to_string(std::get<Value>(result));
    }
    EXPECT_EQ(got, c.expected) << c.expr;
  }
}

// The same table through the compiled form: interned series, one ProgramSet for every case.
std::string compiled_result(ProgramSet& set, std::uint32_t id, const hashwatch::testing::SeriesTable& catalog) {
  ProgramResult result;
  if (auto e = set.evaluate(id, s(3600), catalog, result)) return "error: " + e->message;
  return to_string(set.to_value(result, catalog));
}

TEST(ExprProgram, CompiledFormGivesTheTableResults) {
  ASSERT_EQ(source().series().size(), 20u);
  hashwatch::testing::SeriesTable catalog(source().series(), s(3600));
  // Half the series are known when the programs compile; the rest are interned afterwards.
  catalog.show(10);
  ProgramSet set;
  std::vector<std::pair<const Case*, std::uint32_t>> programs;
  std::vector<SelectorMatch> matches;
  for (const Case& c : kCases) {
    auto parsed = parse(c.expr);
    ASSERT_TRUE(std::holds_alternative<NodePtr>(parsed)) << c.expr;
    std::shared_ptr<const Node> tree(std::move(std::get<NodePtr>(parsed)));
    auto added = set.add(tree);
    if (auto* e = std::get_if<EvalError>(&added)) {
      EXPECT_EQ("error: " + e->message, c.expected) << c.expr << " (compile time)";
      continue;
    }
    programs.emplace_back(&c, std::get<std::uint32_t>(added));
    if (programs.size() == 40) set.sync(catalog, &matches);  // some programs see a sync before the rest exist
  }
  set.sync(catalog, &matches);
  catalog.show(SIZE_MAX);
  set.sync(catalog, &matches);
  // Twice: results must not depend on buffers left by the previous run.
  for (int round = 0; round < 2; ++round) {
    for (auto& [c, id] : programs) EXPECT_EQ(compiled_result(set, id, catalog), c->expected) << c->expr;
  }
  // The dependency information: every program that read a series was told so exactly once per selector.
  EXPECT_FALSE(matches.empty());
  for (const SelectorMatch& m : matches) EXPECT_LT(m.series, 20u);
}

TEST(ExprProgram, StaticTypeErrorsAreFoundAtCompileTimeWithTheirPosition) {
  struct Bad {
    const char* expr;
    std::size_t pos;
    const char* message;
  } const kBad[] = {  // a binary node sits at its operator
      {"1 + (3 > 2)", 7, "a comparison of two numbers needs bool"},
      {"sum(1 + 2)", 6, "aggregations take a series expression"},
      {"x and 1", 2, "and works on series, not numbers"},
      {"clamp_min(x, y)", 13, "clamp_min() takes a number as its second argument"},
      {"x + y[5m]", 4, "a range selector needs a function such as avg_over_time()"},
  };
  for (const Bad& b : kBad) {
    auto parsed = parse(b.expr);
    ASSERT_TRUE(std::holds_alternative<NodePtr>(parsed)) << b.expr;
    auto error = check_types(*std::get<NodePtr>(parsed));
    ASSERT_TRUE(error.has_value()) << b.expr;
    EXPECT_EQ(error->pos, b.pos) << b.expr;
    EXPECT_EQ(error->message, b.message) << b.expr;
  }
  auto ok = parse("site_power_price_usd_per_mwh > bool 3");
  EXPECT_FALSE(check_types(*std::get<NodePtr>(ok)).has_value());
}

}  // namespace
}  // namespace hashwatch::rules::expr
