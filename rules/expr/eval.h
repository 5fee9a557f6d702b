// Evaluates rule expressions at an explicit time over a SeriesSource (the engine's store and
// history in the daemon; a table in tests). Semantics follow PromQL for the subset the parser
// accepts: vector/scalar arithmetic with one-to-one label matching (on/ignoring), comparisons that
// filter (or return 0/1 with bool), and/or/unless, aggregations by labels, *_over_time, delta, rate,
// offset, abs, clamp_min/max, time() and age().
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rules/expr/ast.h"
#include "rules/series_registry.h"

namespace hashwatch::rules::expr {

struct Sample {
  std::string name;  // empty once an operation has changed the value's meaning
  Labels labels;     // sorted
  double value = 0.0;
};
using Vector = std::vector<Sample>;

struct Point {
  TimeNs t;
  double v;
};

struct RangeSeries {
  std::string name;
  Labels labels;
  std::vector<Point> points;  // in time order, within the requested window
};

class SeriesSource {
 public:
  virtual ~SeriesSource() = default;
  // The value of every matching series in force at `at` (fresh: a stale series is absent).
  virtual void instant(const Node& selector, TimeNs at, Vector& out) const = 0;
  // Points of every matching series with from < t <= to, preceded by the point in force at
  // `from` (the last with t <= from) when there is one: a series is the step function of its
  // changes, so the value it had when the window opened is part of the window.
  virtual void range(const Node& selector, TimeNs from, TimeNs to, std::vector<RangeSeries>& out) const = 0;
  // When each matching series last changed value (for age()).
  virtual void changed_at(const Node& selector, std::vector<std::pair<Sample, TimeNs>>& out) const = 0;
};

// Whether a series with this name and labels matches the selector's name and matchers.
bool matches(const Node& selector, std::string_view name, const Labels& labels);

using Value = std::variant<double, Vector>;

struct EvalError {
  std::size_t pos;
  std::string message;
};

std::variant<Value, EvalError> evaluate(const Node& node, TimeNs now, const SeriesSource& source);

// "{a=\"x\"} 1.5" lines, sorted, for tests and the API.
std::string to_string(const Value& value);

}  // namespace hashwatch::rules::expr
