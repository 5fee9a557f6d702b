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
// - windows are incremental: per (window, series) a cursor pair over the history with a running
//   compensated sum, count, sum of counter increases, and monotonic queues for min and max, so
//   a window costs O(1) amortized per point however long it is (rebuilt exactly now and then, and
//   whenever the history it relied on was trimmed);
// - static type errors (a comparison of two numbers without bool, an aggregation of a number…) are
//   found at compile time, with the position of the offending node.
#pragma once

#include <bit>
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

// A history point that marks the series absent from its time on (stale, or no longer produced):
// windows count nothing from it, and `offset` sees no value. Its value is a signalling NaN with a
// payload arithmetic never produces, so it cannot be mistaken for a NaN a rule computed.
inline constexpr std::uint64_t kGapBits = 0x7ff0'0000'6761'7000ULL;
inline Point gap_point(TimeNs t) { return Point{t, std::bit_cast<double>(kGapBits)}; }
inline bool is_gap(const Point& p) { return std::bit_cast<std::uint64_t>(p.v) == kGapBits; }

// A series' history as it is stored: points in time order in a ring, addressed by absolute index
// (begin .. end-1). Points are only ever appended at the end and dropped from the front, so an
// index keeps naming the same point for as long as it is held.
struct HistoryView {
  const Point* ring = nullptr;
  std::size_t capacity = 0;
  std::size_t head = 0;     // ring slot of point `begin`
  std::uint64_t begin = 0;  // absolute index of the oldest point held
  std::uint64_t end = 0;    // one past the newest
  const Point& at(std::uint64_t i) const { return ring[(head + static_cast<std::size_t>(i - begin)) % capacity]; }
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
  // The history kept for the series (empty when none). Windows (*_over_time, delta, rate) keep
  // running aggregates over it and move with time: each point is added and removed once. A window
  // (from, to] holds the points in it plus the one in force at `from`, as SeriesSource::range.
  virtual HistoryView history(SeriesId id) const = 0;
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

  // Windows rebuilt from scratch because the history they relied on was trimmed before they
  // caught up (or time went back); each costs a pass over the window. Should stay near zero.
  std::uint64_t window_restarts() const;

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
