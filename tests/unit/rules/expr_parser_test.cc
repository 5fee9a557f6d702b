#include "rules/expr/parser.h"

#include <gtest/gtest.h>

namespace hashwatch::rules::expr {
namespace {

struct Case {
  const char* text;
  const char* canonical;
};

// Expression → canonical form (binary expressions fully parenthesized).
const Case kValid[] = {
    {"btc_usd", "btc_usd"},
    {"42", "42"},
    {"1.5e3", "1500"},
    {"btc_usd{source=\"coinbase\"}", "btc_usd{source=\"coinbase\"}"},
    {"btc_usd{source!=\"binance\", market=~\"spot|perp\", x!~'y'}", "btc_usd{source!=\"binance\", market=~\"spot|perp\", x!~\"y\"}"},
    {"{site=\"a\"}", "{site=\"a\"}"},
    {"btc_usd[5m]", "btc_usd[5m]"},
    {"btc_usd[1h30m]", "btc_usd[90m]"},
    {"hashprice_usd_per_ph_day offset 24h", "hashprice_usd_per_ph_day offset 1d"},
    {"btc_usd[1h] offset 1d", "btc_usd[1h] offset 1d"},
    {"a + b", "(a + b)"},
    {"a - b - c", "((a - b) - c)"},
    {"a + b * c", "(a + (b * c))"},
    {"(a + b) * c", "((a + b) * c)"},
    {"a / b % c", "((a / b) % c)"},
    {"a ^ b ^ c", "(a ^ (b ^ c))"},
    {"-a", "(-(a))"},
    {"-a ^ 2", "(-((a ^ 2)))"},
    // Found by the fuzzer: a negation inside parentheses raised to a power keeps its grouping.
    {"(-a) ^ 2", "((-(a)) ^ 2)"},
    {"+a", "a"},
    {"a * -b", "(a * (-(b)))"},
    {"a > 3", "(a > 3)"},
    {"a > bool 3", "(a > bool 3)"},
    {"a == b", "(a == b)"},
    {"a != b", "(a != b)"},
    {"a >= 1 and b <= 2", "((a >= 1) and (b <= 2))"},
    {"a or b and c", "(a or (b and c))"},
    {"a unless b", "(a unless b)"},
    {"a + on(site) b", "(a + on(site) b)"},
    {"a - ignoring(mode) b", "(a - ignoring(mode) b)"},
    {"a > bool on(site, node) b", "(a > bool on(site, node) b)"},
    {"sum(a)", "sum(a)"},
    {"sum by (site) (a)", "sum by (site)(a)"},
    {"max(a) by (market, node)", "max by (market, node)(a)"},
    {"avg by (site)(site_mining_margin_usd_per_mwh)", "avg by (site)(site_mining_margin_usd_per_mwh)"},
    {"count(btc_usd{source!=\"\"})", "count(btc_usd{source!=\"\"})"},
    {"min(a) + max(b)", "(min(a) + max(b))"},
    {"abs(a - b)", "abs((a - b))"},
    {"clamp_min(a, 0)", "clamp_min(a, 0)"},
    {"clamp_max(a, 100)", "clamp_max(a, 100)"},
    {"time()", "time()"},
    {"absent(btc_usd)", "absent(btc_usd)"},
    {"time() - 60", "(time() - 60)"},
    {"age(btc_usd)", "age(btc_usd)"},
    {"age(btc_usd) > 60", "(age(btc_usd) > 60)"},
    {"avg_over_time(btc_usd[1h])", "avg_over_time(btc_usd[1h])"},
    {"min_over_time(x[10m]) < 5", "(min_over_time(x[10m]) < 5)"},
    {"max_over_time(x[1d])", "max_over_time(x[1d])"},
    {"sum_over_time(x[30s])", "sum_over_time(x[30s])"},
    {"count_over_time(x[2w])", "count_over_time(x[14d])"},
    {"delta(difficulty[2w])", "delta(difficulty[14d])"},
    {"rate(hashwatch_feed_messages_total[5m])", "rate(hashwatch_feed_messages_total[5m])"},
    {"hashprice_usd_per_ph_day / (hashprice_usd_per_ph_day offset 24h) < 0.9",
     "((hashprice_usd_per_ph_day / hashprice_usd_per_ph_day offset 1d) < 0.9)"},
    {"site_power_price_usd_per_mwh > site_breakeven_power_usd_per_mwh",
     "(site_power_price_usd_per_mwh > site_breakeven_power_usd_per_mwh)"},
    {"site:hosting_minus_mining_usd_per_mwh", "site:hosting_minus_mining_usd_per_mwh"},
    {"  a  +\n  b  ", "(a + b)"},
    // Found by the fuzzer: quotes and backslashes in label values are printed escaped.
    {"a{x=\"c\\\\d\\\"e\"}", "a{x=\"c\\\\d\\\"e\"}"},
    {"a{x='it\\'s'}", "a{x=\"it's\"}"},
    {"sum by (site) (a) / on(site) sum by (site) (b)", "(sum by (site)(a) / on(site) sum by (site)(b))"},
};

TEST(ExprParser, ValidExpressionsParseToTheirCanonicalForm) {
  for (const Case& c : kValid) {
    auto result = parse(c.text);
    ASSERT_TRUE(std::holds_alternative<NodePtr>(result)) << c.text << ": " << std::get<ParseError>(result).message;
    EXPECT_EQ(to_string(*std::get<NodePtr>(result)), c.canonical) << c.text;
  }
}

struct ErrorCase {
  const char* text;
  std::size_t pos;
  const char* message;
};

const ErrorCase kInvalid[] = {
    {"", 0, "expected an expression, found end of expression"},
    {"a +", 3, "expected an expression, found end of expression"},
    {"a b", 2, "unexpected \"b\" after the expression"},
    {"(a + b", 6, "expected \")\", found end of expression"},
    {"a{site=\"x\"", 10, "expected \"}\" or a label matcher, found end of expression"},
    {"a{site=x}", 7, "expected a quoted label value, found \"x\""},
    {"a{site>\"x\"}", 6, "expected a label matcher (=, !=, =~, !~), found \">\""},
    {"a{site=\"x}", 7, "unterminated string"},
    {"a[5]", 2, "expected a range duration like 5m, found \"5\""},
    {"a[5x]", 2, "\"5x\" is not a number or a duration"},
    {"a offset", 8, "expected a duration after offset, found end of expression"},
    {"(a + b) offset 1h", 8, "offset applies to a series selector"},
    {"foo(a)", 0, "unknown function \"foo\""},
    {"abs(a, b)", 0, "abs() takes 1 argument, got 2"},
    {"clamp_min(a)", 0, "clamp_min() takes 2 arguments, got 1"},
    {"time(a)", 0, "time() takes 0 arguments, got 1"},
    {"avg_over_time(a)", 14, "avg_over_time() needs a range selector, e.g. x[5m]"},
    {"rate(a + b)", 7, "rate() needs a range selector, e.g. x[5m]"},
    {"abs(a[5m])", 4, "abs() takes an instant value, not a range"},
    {"age(1)", 4, "age() takes a series selector"},
    {"a + bool b", 4, "bool is only allowed after a comparison"},
    {"sum by site (a)", 7, "expected \"(\", found \"site\""},
    {"sum(a", 5, "expected \")\", found end of expression"},
    {"a # b", 2, "unexpected character '#'"},
    {"{}", 0, "a selector needs a metric name or a matcher"},
    {"a +\n  * b", 6, "expected an expression, found \"*\""},
    // Found by the fuzzer: keywords are not series names (else canonical forms would not re-parse).
    {"a + + on", 6, "\"on\" is a keyword, not a series name"},
    {"offset", 0, "\"offset\" is a keyword, not a series name"},
    // Found by the fuzzer: a duration that overflows 64-bit nanoseconds.
    {"a offset 599369640h", 9, "\"599369640h\" is not a number or a duration"},
    {"a[99999999999999999999d]", 2, "\"99999999999999999999d\" is not a number or a duration"},
    // An invalid regex is an error at load, not a matcher that silently never matches.
    {"a{site=~\"(x\"}", 8, "invalid regular expression \"(x\""},
    {"a{site!~\"[\"}", 8, "invalid regular expression \"[\""},
    // Found by the fuzzer: libstdc++ overflows a signed integer on a huge repetition count, and a
    // large one builds an automaton big enough to stall the engine. Bounded, like RE2 does.
    {"a{site=~\"x{4111111111111111111}\"}", 8, "regular expression \"x{4111111111111111111}\" has a repetition count above 1000"},
    {"a{site=~\"x{2,1001}\"}", 8, "regular expression \"x{2,1001}\" has a repetition count above 1000"},
    {"a{site=~\"(x)\\\\4444444444444444444\"}", 8, "regular expression \"(x)\\4444444444444444444\" has a backreference, which label matchers do not support"},
};

TEST(ExprParser, ErrorsCarryPositionAndMessage) {
  for (const ErrorCase& c : kInvalid) {
    auto result = parse(c.text);
    ASSERT_TRUE(std::holds_alternative<ParseError>(result)) << c.text << " parsed";
    const ParseError& e = std::get<ParseError>(result);
    EXPECT_EQ(e.pos, c.pos) << c.text << ": " << e.message;
    EXPECT_EQ(e.message, c.message) << c.text;
  }
}

TEST(ExprParser, CaretPointsAtTheOffendingColumn) {
  EXPECT_EQ(caret_line("a + foo(b)", 4), "  a + foo(b)\n      ^");
  EXPECT_EQ(caret_line("a +\n  * b", 6), "    * b\n    ^");
}

TEST(ExprParser, NodesKeepTheirPositions) {
  auto result = parse("sum by (site) (x) > bool 3");
  const Node& root = *std::get<NodePtr>(result);
  EXPECT_EQ(root.pos, 18u);  // the operator
  EXPECT_EQ(root.lhs->pos, 0u);
  EXPECT_EQ(root.lhs->args[0]->pos, 15u);
  EXPECT_EQ(root.rhs->pos, 25u);
}

}  // namespace
}  // namespace hashwatch::rules::expr
