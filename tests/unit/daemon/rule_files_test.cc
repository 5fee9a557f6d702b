#include "daemon/rule_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "rules/expr/ast.h"
#include "tests/support/fixtures.h"

namespace hashwatch::daemon {
namespace {

std::vector<std::string> messages(const RuleFiles& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.to_string());
  return out;
}

TEST(RuleFiles, BuiltInRulesLoad) {
  const RuleFiles r = load_rule_files({"deploy/rules/*.yaml"}, hashwatch::testing::source_path(""));
  ASSERT_TRUE(r.errors.empty()) << ::testing::PrintToString(messages(r));
  ASSERT_EQ(r.groups.size(), 3u);
  const RuleSpec& below = r.groups[1].rules[1];
  EXPECT_EQ(below.name, "MiningBelowBreakeven");
  EXPECT_EQ(below.for_ns, 10 * kNsPerMinute);
  EXPECT_NE(below.resolve, nullptr);
  EXPECT_EQ(below.labels, (rules::Labels{{"severity", "critical"}}));
  EXPECT_EQ(r.groups[1].rules[0].kind, RuleSpec::Kind::kRecord);
  EXPECT_EQ(rules::expr::to_string(*r.groups[2].rules[0].expr),
            "((hashprice_usd_per_ph_day / hashprice_usd_per_ph_day offset 1d) < 0.9)");
}

TEST(RuleFiles, ExpressionErrorPointsIntoThePlainScalar) {
  const auto r = load_rule_string(
      "groups:\n"
      "  - name: g\n"
      "    rules:\n"
      "      - alert: A\n"
      "        expr: site_margin > bool\n",
      "r.yaml");
  EXPECT_EQ(messages(r), (std::vector<std::string>{
      "r.yaml:5:33: alert A: expr: expected an expression, found end of expression\n"
      "  site_margin > bool\n"
      "                    ^"}));
}

TEST(RuleFiles, ExpressionErrorInsideQuotesAndBlockScalars) {
  auto r = load_rule_string("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: \"a + foo(b)\"\n", "r.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 5);
  EXPECT_EQ(r.errors[0].column, 20);  // f of foo, counted after the opening quote
  r = load_rule_string("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: |\n          a +\n            * b\n", "r.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 7);
  EXPECT_EQ(r.errors[0].column, 13);
}

TEST(RuleFiles, StructuralErrors) {
  const auto r = load_rule_string(
      "groups:\n"
      "  - name: g\n"
      "    rules:\n"
      "      - alert: bad-name\n"
      "        expr: x\n"
      "        for: soon\n"
      "        severity: high\n"
      "      - record: r\n"
      "        expr: x\n"
      "        for: 5m\n"
      "      - expr: y\n"
      "  - name: g\n"
      "    rules: []\n",
      "r.yaml");
  EXPECT_EQ(messages(r), (std::vector<std::string>{
      "r.yaml:4:16: alert bad-name: not a valid alert name",
      "r.yaml:7:9: alert bad-name: unknown key \"severity\"",
      "r.yaml:6:14: alert bad-name: for: \"soon\" is not a duration (e.g. 10m)",
      "r.yaml:10:9: record r: unknown key \"for\"",
      "r.yaml:11:9: group g: a rule has either \"record\" or \"alert\"",
      "r.yaml:12:11: duplicate group \"g\"",
  }));
}

TEST(RuleFiles, CheckConfigValidatesTheRulesItNames) {
  const std::string dir = std::string(HASHWATCH_BINARY_DIR) + "/rules-test";
  std::system(("mkdir -p " + dir + "/rules.d").c_str());
  { std::ofstream(dir + "/hashwatch.yaml") << "rules: {files: [\"rules.d/*.yaml\"]}\n"; }
  { std::ofstream(dir + "/rules.d/a.yaml") << "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: x >\n"; }
  const auto bad = load_config_file(dir + "/hashwatch.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.errors[0].to_string().find(dir + "/rules.d/a.yaml:5:18: alert A: expr: expected an expression"), std::string::npos)
      << bad.errors[0].to_string();
  { std::ofstream(dir + "/rules.d/a.yaml") << "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: x > 1\n"; }
  const auto good = load_config_file(dir + "/hashwatch.yaml");
  ASSERT_TRUE(good.ok());
  ASSERT_EQ(good.config->rules.size(), 1u);  // the rules the daemon will run
  EXPECT_EQ(good.config->rules[0].group, "g");
  EXPECT_EQ(good.config->rules[0].name, "A");
}

TEST(RuleFiles, AGroupInALaterFileReplacesTheBuiltInGroupOfThatName) {
  const std::string dir = std::string(HASHWATCH_BINARY_DIR) + "/rules-override-test";
  std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str());
  {
    std::ofstream(dir + "/site.yaml") << "groups:\n"
                                         "  - name: profitability\n"
                                         "    rules:\n"
                                         "      - alert: MiningBelowBreakeven\n"
                                         "        expr: site_power_price_usd_per_mwh > site_breakeven_power_usd_per_mwh + 5\n"
                                         "        for: 30m\n"
                                         "  - name: network\n"
                                         "    rules: []\n";
  }
  const RuleFiles r = load_rule_files({hashwatch::testing::source_path("deploy/rules/hashwatch.yaml"), dir + "/site.yaml"}, "/");
  ASSERT_TRUE(r.errors.empty()) << ::testing::PrintToString(messages(r));
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].name, "feeds");  // untouched
  EXPECT_EQ(r.groups[1].name, "profitability");
  ASSERT_EQ(r.groups[1].rules.size(), 1u);
  EXPECT_EQ(r.groups[1].rules[0].for_ns, 30 * kNsPerMinute);
  EXPECT_TRUE(r.groups[2].rules.empty());  // switched off
  EXPECT_EQ(rule_defs(r.groups).size(), 2u + 1u);
}

TEST(RuleFiles, GroupLimitReachesEveryRuleAndMustBeANumber) {
  auto r = load_rule_string("groups:\n  - name: g\n    limit: 20\n    interval: 1m\n    rules:\n      - alert: A\n        expr: x > 1\n", "r.yaml");
  ASSERT_TRUE(r.errors.empty()) << ::testing::PrintToString(messages(r));
  EXPECT_EQ(rule_defs(r.groups)[0].limit, 20u);
  r = load_rule_string("groups:\n  - name: g\n    limit: lots\n    rules: []\n", "r.yaml");
  EXPECT_EQ(messages(r), (std::vector<std::string>{"r.yaml:3:12: group g: limit must be a whole number (0: no limit)"}));
}

TEST(RuleFiles, TypeErrorsArePositionedLikeSyntaxErrors) {
  const auto r = load_rule_string(
      "groups:\n"
      "  - name: g\n"
      "    rules:\n"
      "      - record: r\n"
      "        expr: sum(1 + 2)\n"
      "      - alert: A\n"
      "        expr: \"1 > bool 0\"\n",
      "r.yaml");
  EXPECT_EQ(messages(r), (std::vector<std::string>{
      "r.yaml:5:21: record r: expr: aggregations take a series expression\n"
      "  sum(1 + 2)\n"
      "        ^",
      "r.yaml:7:15: alert A: expr must return series (compare series, not numbers)"}));
}

TEST(RuleFiles, RecordingRulesThatReadEachOtherInACycleAreRejected) {
  const auto r = load_rule_string(
      "groups:\n"
      "  - name: g\n"
      "    rules:\n"
      "      - record: a:x\n"
      "        expr: b:x + 1\n"
      "      - record: b:x\n"
      "        expr: a:x * 2\n",
      "r.yaml");
  EXPECT_EQ(messages(r), (std::vector<std::string>{"r.yaml:4:9: record a:x: recording rules read each other in a cycle: a:x, b:x"}));
}

}  // namespace
}  // namespace hashwatch::daemon
