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

namespace {

using hashwatch::TimeNs;
using namespace hashwatch::rules;
using namespace hashwatch::rules::expr;

constexpr TimeNs kS = 1'000'000'000;
constexpr TimeNs kNow = 3600 * kS;

struct Series {
  std::string name;
  Labels labels;
  std::vector<Point> points;
};

const std::vector<Series>& data() {
  static const std::vector<Series> d = {
      {"a", {{"site", "x"}}, {{0, 1}, {600 * kS, 2.5}, {1800 * kS, 2}, {3600 * kS, 3}}},
      {"a", {{"site", "y"}}, {{1200 * kS, -1}, {3000 * kS, 4}}},
      {"b", {{"mode", "mine"}, {"site", "x"}}, {{0, 0.5}, {3600 * kS, 7}}},
      {"b", {{"mode", "host"}, {"site", "y"}}, {{2400 * kS, 0}}},
      {"c", {}, {{0, 10}, {1800 * kS, 9}, {3500 * kS, 12}}},
      {"d", {{"site", "x"}}, {{3600 * kS, 5}}},
  };
  return d;
}

bool visible(const Series& s, const Node& sel) { return matches(sel, s.name, s.labels); }

class Source final : public SeriesSource {
 public:
  void instant(const Node& sel, TimeNs at, Vector& out) const override {
    for (const Series& x : data()) {
      if (!visible(x, sel)) continue;
      const Point* last = nullptr;
      for (const Point& p : x.points) {
        if (p.t <= at) last = &p;
      }
      if (last != nullptr) out.push_back(Sample{x.name, x.labels, last->v});
    }
  }
  void range(const Node& sel, TimeNs from, TimeNs to, std::vector<RangeSeries>& out) const override {
    for (const Series& x : data()) {
      if (!visible(x, sel)) continue;
      RangeSeries r{x.name, x.labels, {}};
      const Point* carried = nullptr;  // the value in force when the window opens
      for (const Point& p : x.points) {
        if (p.t <= from) carried = &p;
      }
      if (carried != nullptr) r.points.push_back(*carried);
      for (const Point& p : x.points) {
        if (p.t > from && p.t <= to) r.points.push_back(p);
      }
      out.push_back(std::move(r));
    }
  }
  void changed_at(const Node& sel, std::vector<std::pair<Sample, TimeNs>>& out) const override {
    for (const Series& x : data()) {
      if (!visible(x, sel) || x.points.empty()) continue;
      TimeNs t = x.points.front().t;
      for (std::size_t i = 1; i < x.points.size(); ++i) {
        if (x.points[i].v != x.points[i - 1].v) t = x.points[i].t;
      }
      out.emplace_back(Sample{x.name, x.labels, x.points.back().v}, t);
    }
  }
};

class Catalog final : public SeriesCatalog {
 public:
  Catalog() {
    for (const Series& x : data()) registry_.intern(x.name, x.labels);
  }
  std::size_t series_count() const override { return registry_.series_count(); }
  const SeriesInfo& info(SeriesId id) const override { return registry_.info(id); }
  bool current(SeriesId id, double& v) const override { return value_at(id, kNow, v); }
  bool changed_at(SeriesId id, TimeNs& at) const override {
    const auto& p = data()[id].points;
    at = p.front().t;
    for (std::size_t i = 1; i < p.size(); ++i) {
      if (p[i].v != p[i - 1].v) at = p[i].t;
    }
    return true;
  }
  bool value_at(SeriesId id, TimeNs at, double& v) const override {
    bool found = false;
    for (const Point& p : data()[id].points) {
      if (p.t <= at) {
        v = p.v;
        found = true;
      }
    }
    return found;
  }
  HistoryView history(SeriesId id) const override {
    const auto& p = data()[id].points;
    return HistoryView{p.data(), p.size(), 0, 0, p.size()};
  }

 private:
  SeriesRegistry registry_;
};

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
  static const Source source;
  static const Catalog catalog;
  auto reference = evaluate(*tree, kNow, source);
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
