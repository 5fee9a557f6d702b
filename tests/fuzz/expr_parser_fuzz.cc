// libFuzzer target for the rule expression language:
// - any input must parse or fail with a position inside the text, and a parsed tree must print and
//   re-parse to the same canonical form;
// - differential: a parsed expression evaluated by the tree-walker (the reference semantics) and by
//   the compiled program over the same small series set must give the same result or the same
//   error. Values are small halves, so sums are exact in any order.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <variant>

#include "rules/expr/eval.h"
#include "rules/expr/parser.h"
#include "rules/expr/program.h"
#include "tests/support/series_table.h"

namespace {

using hashwatch::TimeNs;
using namespace hashwatch::rules;
using namespace hashwatch::rules::expr;

constexpr TimeNs kS = 1'000'000'000;
constexpr TimeNs kNow = 3600 * kS;

const hashwatch::testing::SeriesTable& table() {
  static const hashwatch::testing::SeriesTable t(
      {
          {"a", {{"site", "x"}}, {{0, 1}, {600 * kS, 2.5}, {1800 * kS, 2}, {3600 * kS, 3}}},
          {"a", {{"site", "y"}}, {{1200 * kS, -1}, {3000 * kS, 4}}},
          {"b", {{"mode", "mine"}, {"site", "x"}}, {{0, 0.5}, {3600 * kS, 7}}},
          {"b", {{"mode", "host"}, {"site", "y"}}, {{2400 * kS, 0}}},
          {"c", {}, {{0, 10}, {1800 * kS, 9}, {3500 * kS, 12}}},
          {"d", {{"site", "x"}}, {{3600 * kS, 5}}},
      },
      kNow);
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(bytes), size);
  auto result = parse(text);
  if (auto* error = std::get_if<ParseError>(&result)) {
    if (error->pos > text.size()) std::abort();
    (void)caret_line(text, error->pos);
    return 0;
  }
  const std::string canonical = to_string(*std::get<NodePtr>(result));
  auto again = parse(canonical);
  if (!std::holds_alternative<NodePtr>(again) || to_string(*std::get<NodePtr>(again)) != canonical) std::abort();

  std::shared_ptr<const Node> tree(std::move(std::get<NodePtr>(result)));
  const auto& catalog = table();
  auto reference = evaluate(*tree, kNow, table());
  const std::string expected = std::holds_alternative<EvalError>(reference)
                                   ? "error: " + std::get<EvalError>(reference).message
                                   : to_string(std::get<Value>(reference));
  ProgramSet programs;
  auto added = programs.add(tree);
  std::string got;
  if (std::holds_alternative<EvalError>(added)) {
    // A static type error is found before any evaluation, so it can pre-empt a runtime error the
    // tree-walker meets first in a subexpression: both must fail, not necessarily alike.
    if (!std::holds_alternative<EvalError>(reference)) {
      std::fprintf(stderr, "compiled rejects what the tree-walker evaluates: %s\n", text.c_str());
      std::abort();
    }
    return 0;
  } else {
    programs.sync(catalog);
    ProgramResult out;
    if (auto e2 = programs.evaluate(std::get<std::uint32_t>(added), kNow, catalog, out)) {
      got = "error: " + e2->message;
    } else {
      got = to_string(programs.to_value(out, catalog));
    }
  }
  if (got != expected) {
    std::fprintf(stderr, "compiled and tree-walker differ on %s\n  tree-walker: %s\n  compiled:    %s\n",
                 text.c_str(), expected.c_str(), got.c_str());
    std::abort();
  }
  return 0;
}
