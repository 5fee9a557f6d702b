// Rule expressions compiled once into programs over interned series and label sets — the form the
// engine evaluates on every event (the tree-walker in eval.h stays as the reference semantics, and
// tests hold the two to the same results).
//
// What compiling buys, measured in bench/RESULTS.md:
// - selectors are resolved to lists of SeriesId once, and extended only when a new series is
//   interned (ProgramSet::sync), which is also where the dependency graph learns who reads what;
// - label sets are interned to LabelSetId; one-to-one matching keys and aggregation groups are
//   memoized per node and input label set, and looked up in a dense table by id: no string is
//   compared, hashed or copied per evaluation;
// - every node owns its result buffer, reused from one evaluation to the next: after warm-up an
//   evaluation allocates nothing;
// - static type errors (a comparison of two numbers without bool, an aggregation of a number…) are
//   found at compile time, with the position of the offending node.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "rules/expr/ast.h"
#include "rules/expr/eval.h"
#include "rules/series_registry.h"

namespace hashwatch::rules::expr {

using LabelSetId = std::uint32_t;

// Interns sorted label sets; id 0 is the empty set. Ids are stable for the pool's lifetime.
class LabelSetPool {
 public:
  LabelSetPool();
  LabelSetId intern(const Labels& sorted);
  const Labels& get(LabelSetId id) const { return *sets_[id]; }
  std::size_t size() const { return sets_.size(); }

 private:
  std::vector<const Labels*> sets_;
  std::map<Labels, LabelSetId> ids_;
};

// Points in time order, possibly in two pieces (a ring buffer that wraps).
struct PointSpan {
  std::span<const Point> first, second;
  std::size_t size() const { return first.size() + second.size(); }
  bool empty() const { return size() == 0; }
  const Point& front() const { return first.empty() ? second.front() : first.front(); }
  const Point& back() const { return second.empty() ? first.back() : second.back(); }
  template <typename F>
  void for_each(F&& f) const {
    for (const Point& p : first) f(p);
    for (const Point& p : second) f(p);
  }
};

// What programs read, by series id: the engine's store and the history the rules asked for.
class SeriesCatalog {
 public:
  virtual ~SeriesCatalog() = default;
  // Ids 0 .. series_count()-1 exist.
  virtual std::size_t series_count() const = 0;
  virtual const SeriesInfo& info(SeriesId id) const = 0;
  // The value in force now, if fresh (never set, removed or stale: absent).
  virtual bool current(SeriesId id, double& value) const = 0;
  // When the value last changed; false when the series has no value at all (a stale one has).
  virtual bool changed_at(SeriesId id, TimeNs& at) const = 0;
  // The value in force at a past instant (for offset): the last point at or before `at`.
  virtual bool value_at(SeriesId id, TimeNs at, double& value) const = 0;
  // The points with from < t <= to.
  virtual PointSpan window(SeriesId id, TimeNs from, TimeNs to) const = 0;
};

// One element of a compiled program's vector result.
struct CompiledSample {
  LabelSetId labels = 0;
  SeriesId origin = kNoSeries;  // the series it is, while an operation has not changed its meaning
  double value = 0.0;
};

struct ProgramResult {
  bool scalar = false;
  double value = 0.0;                       // when scalar
  std::span<const CompiledSample> samples;  // when not; valid until the program runs again
};

// A selector of some program matched a series (ProgramSet::sync reports each pair once).
struct SelectorMatch {
  std::uint32_t program;
  SeriesId series;
  TimeNs history_ns;  // how far back the selector reads (range + offset); 0: the current value only
};

class ProgramSet {
 public:
  ProgramSet();
  ~ProgramSet();
  ProgramSet(const ProgramSet&) = delete;
  ProgramSet& operator=(const ProgramSet&) = delete;

  // Compiles a parsed expression into the next program (ids count from 0). A static type error
  // (the same message and position the tree-walker would report) is returned instead.
  std::variant<std::uint32_t, EvalError> add(std::shared_ptr<const Node> expr);
  std::size_t size() const;

  // Learns the series interned since the last call: every selector that matches one records it,
  // and each new (program, series) pair is appended to `matches` when given.
  void sync(const SeriesCatalog& catalog, std::vector<SelectorMatch>* matches = nullptr);

  // Runs program `id` at `now`. Call sync() first whenever series may have been interned.
  std::optional<EvalError> evaluate(std::uint32_t id, TimeNs now, const SeriesCatalog& catalog,
                                    ProgramResult& result);

  // Whether the program's value can change with time alone (time(), age(), windows, offset).
  bool time_dependent(std::uint32_t id) const;
  // Metric names its selectors read; an empty string stands for a selector without a name.
  const std::vector<std::string>& reads(std::uint32_t id) const;

  LabelSetPool& labels() { return labels_; }
  const LabelSetPool& labels() const { return labels_; }
  LabelSetId series_labels(const SeriesCatalog& catalog, SeriesId id);

  // The result as the tree-walker returns it (for tests and the API).
  Value to_value(const ProgramResult& result, const SeriesCatalog& catalog) const;

 private:
  friend class ProgramEvaluator;
  struct Program;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  LabelSetPool labels_;
};

// The first static type error in an expression, if any (what ProgramSet::add reports), for the
// rule loader; `scalar`, when given, receives whether the expression yields a number.
std::optional<EvalError> check_types(const Node& expr, bool* scalar = nullptr);

}  // namespace hashwatch::rules::expr
