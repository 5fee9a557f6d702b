#include "rules/expr/eval.h"

#include "rules/expr/parser.h"
#include "rules/expr/ops.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "rules/expr/regex.h"

namespace hashwatch::rules::expr {

namespace {

std::string_view label_value(const Labels& labels, std::string_view name) {
  for (const auto& [k, v] : labels) {
    if (k == name) return v;
  }
  return {};
}

// Labels a one-to-one match compares.
Labels match_key(const Labels& labels, const Node& op) {
  Labels key;
  for (const auto& kv : labels) {
    if (op.on) {
      if (std::find(op.on->begin(), op.on->end(), kv.first) != op.on->end()) key.push_back(kv);
    } else if (!op.ignoring || std::find(op.ignoring->begin(), op.ignoring->end(), kv.first) == op.ignoring->end()) {
      key.push_back(kv);
    }
  }
  return key;
}

class Evaluator {
 public:
  Evaluator(TimeNs now, const SeriesSource& source) : now_(now), source_(source) {}

  std::optional<EvalError> error;

  Value eval(const Node& n) {
    if (error) return 0.0;
    switch (n.kind) {
      case Node::Kind::kNumber: return n.number;
      case Node::Kind::kSelector: {
        if (n.range_ns) return fail(n.pos, "a range selector needs a function such as avg_over_time()");
        Vector v;
        source_.instant(n, now_ - n.offset_ns, v);
        return v;
      }
      case Node::Kind::kNegate: {
        Value inner = eval(*n.args[0]);
        if (auto* s = std::get_if<double>(&inner)) return -*s;
        auto& v = std::get<Vector>(inner);
        for (auto& s : v) {
          s.value = -s.value;
          s.name.clear();
        }
        return v;
      }
      case Node::Kind::kAggregate: return aggregate(n);
      case Node::Kind::kCall: return call(n);
      case Node::Kind::kBinary: return binary(n);
    }
    return 0.0;
  }

 private:
  Value fail(std::size_t pos, std::string message) {
    if (!error) error = EvalError{pos, std::move(message)};
    return 0.0;
  }

  Value aggregate(const Node& n) {
    Value inner = eval(*n.args[0]);
    if (std::holds_alternative<double>(inner)) return fail(n.args[0]->pos, "aggregations take a series expression");
    struct Group {
      Labels labels;
      double sum = 0, min = INFINITY, max = -INFINITY;
      std::size_t count = 0;
    };
    std::map<Labels, Group> groups;
    for (const Sample& s : std::get<Vector>(inner)) {
      Labels key;
      for (const auto& label : n.grouping) {
        auto v = label_value(s.labels, label);
        const bool seen = std::any_of(key.begin(), key.end(), [&](const auto& kv) { return kv.first == label; });
        if (!v.empty() && !seen) key.emplace_back(label, std::string(v));  // by (a, a) is by (a)
      }
      std::sort(key.begin(), key.end());
      Group& g = groups[key];
      g.labels = key;
      g.sum += s.value;
      g.min = std::min(g.min, s.value);
      g.max = std::max(g.max, s.value);
      ++g.count;
    }
    Vector out;
    for (auto& [key, g] : groups) {
      double v = 0;
      switch (n.aggregate) {
        case AggregateOp::kSum: v = g.sum; break;
        case AggregateOp::kMin: v = g.min; break;
        case AggregateOp::kMax: v = g.max; break;
        case AggregateOp::kAvg: v = g.sum / static_cast<double>(g.count); break;
        case AggregateOp::kCount: v = static_cast<double>(g.count); break;
      }
      out.push_back(Sample{"", g.labels, v});
    }
    return out;
  }

  Value call(const Node& n) {
    const std::string& f = n.function;
    if (f == "time") return static_cast<double>(now_) / 1e9;
    if (f == "age") {
      std::vector<std::pair<Sample, TimeNs>> changed;
      source_.changed_at(*n.args[0], changed);
      Vector out;
      for (auto& [s, t] : changed) out.push_back(Sample{"", s.labels, static_cast<double>(now_ - t) / 1e9});
      return out;
    }
    if (f == "absent") {
      // 1 (with the selector's equality labels) when nothing matches; nothing when something does.
      Value inner = eval(*n.args[0]);
      if (auto* v = std::get_if<Vector>(&inner); v && !v->empty()) return Vector{};
      Labels labels;
      if (n.args[0]->kind == Node::Kind::kSelector) {
        for (const Matcher& m : n.args[0]->matchers) {
          if (m.op == MatchOp::kEqual) labels.emplace_back(m.label, m.value);
        }
        std::sort(labels.begin(), labels.end());
      }
      return Vector{Sample{"", labels, 1.0}};
    }
    const FunctionInfo* info = find_function(f);
    if (info != nullptr && info->takes_range) {
      const Node& sel = *n.args[0];
      TimeNs to, from;  // saturating: absurd durations must not overflow
      if (__builtin_sub_overflow(now_, sel.offset_ns, &to)) to = std::numeric_limits<TimeNs>::min();
      if (__builtin_sub_overflow(to, *sel.range_ns, &from)) from = std::numeric_limits<TimeNs>::min();
      std::vector<RangeSeries> series;
      source_.range(sel, from, to, series);
      Vector out;
      for (const RangeSeries& r : series) {
        if (r.points.empty()) continue;
        double v = 0;
        if (f == "avg_over_time" || f == "sum_over_time") {
          for (const Point& p : r.points) v += p.v;
          if (f == "avg_over_time") v /= static_cast<double>(r.points.size());
        } else if (f == "min_over_time") {
          v = INFINITY;
          for (const Point& p : r.points) v = std::min(v, p.v);
        } else if (f == "max_over_time") {
          v = -INFINITY;
          for (const Point& p : r.points) v = std::max(v, p.v);
        } else if (f == "count_over_time") {
          v = static_cast<double>(r.points.size());
        } else if (f == "delta" || f == "rate") {
          if (r.points.size() < 2) continue;  // one point has no change to measure
          if (f == "delta") {
            v = r.points.back().v - r.points.front().v;
          } else {
            // A counter: a drop is a reset, and the new value counts from zero.
            double increase = 0;
            for (std::size_t i = 1; i < r.points.size(); ++i) {
              increase += counter_increase(r.points[i - 1].v, r.points[i].v);
            }
            v = increase / (static_cast<double>(*sel.range_ns) / 1e9);
          }
        }
        out.push_back(Sample{"", r.labels, v});
      }
      return out;
    }
    Value arg = eval(*n.args[0]);
    auto apply = [&](auto fn) -> Value {
      if (auto* s = std::get_if<double>(&arg)) return fn(*s);
      Vector v = std::get<Vector>(arg);
      for (auto& s : v) {
        s.value = fn(s.value);
        s.name.clear();
      }
      return v;
    };
    if (f == "abs") return apply([](double x) { return std::abs(x); });
    Value bound = eval(*n.args[1]);
    auto* b = std::get_if<double>(&bound);
    if (b == nullptr) return fail(n.args[1]->pos, f + "() takes a number as its second argument");
    if (f == "clamp_min") return apply([b](double x) { return std::max(x, *b); });
    if (f == "clamp_max") return apply([b](double x) { return std::min(x, *b); });
    return fail(n.pos, "unknown function " + f);
  }

  Value binary(const Node& n) {
    Value l = eval(*n.lhs);
    Value r = eval(*n.rhs);
    if (error) return 0.0;
    const bool set_op = n.op == BinaryOp::kAnd || n.op == BinaryOp::kOr || n.op == BinaryOp::kUnless;
    auto* ls = std::get_if<double>(&l);
    auto* rs = std::get_if<double>(&r);
    if (set_op && (ls || rs)) return fail(n.pos, std::string(binary_op_text(n.op)) + " works on series, not numbers");
    if (ls && rs) {
      if (is_comparison(n.op) && !n.return_bool) return fail(n.pos, "a comparison of two numbers needs bool");
      return arithmetic(n.op, *ls, *rs);
    }
    if (ls || rs) {
      Vector v = std::get<Vector>(ls ? r : l);
      const double s = ls ? *ls : *rs;
      Vector out;
      for (Sample& x : v) {
        const double a = ls ? s : x.value, b = ls ? x.value : s;
        const double res = arithmetic(n.op, a, b);
        if (is_comparison(n.op)) {
          if (n.return_bool) {
            out.push_back(Sample{"", x.labels, res});
          } else if (res != 0) {
            out.push_back(x);  // a filter keeps the series' own value
          }
        } else {
          out.push_back(Sample{"", x.labels, res});
        }
      }
      return out;
    }
    const Vector& lv = std::get<Vector>(l);
    const Vector& rv = std::get<Vector>(r);
    std::map<Labels, const Sample*> right;
    for (const Sample& s : rv) {
      auto [it, inserted] = right.emplace(match_key(s.labels, n), &s);
      if (!inserted && !set_op) return fail(n.rhs->pos, "several series on the right match the same labels; use on() or an aggregation");
    }
    Vector out;
    if (n.op == BinaryOp::kOr) {
      std::map<Labels, bool> left_keys;
      for (const Sample& s : lv) {
        out.push_back(s);
        left_keys[match_key(s.labels, n)] = true;
      }
      for (const Sample& s : rv) {
        if (!left_keys.contains(match_key(s.labels, n))) out.push_back(s);
      }
      return out;
    }
    std::map<Labels, bool> seen;
    for (const Sample& s : lv) {
      const Labels key = match_key(s.labels, n);
      auto it = right.find(key);
      if (n.op == BinaryOp::kAnd) {
        if (it != right.end()) out.push_back(s);
        continue;
      }
      if (n.op == BinaryOp::kUnless) {
        if (it == right.end()) out.push_back(s);
        continue;
      }
      if (it == right.end()) continue;
      if (!seen.emplace(key, true).second) {
        return fail(n.lhs->pos, "several series on the left match the same labels; use on() or an aggregation");
      }
      const double res = arithmetic(n.op, s.value, it->second->value);
      Labels labels = n.on ? key : s.labels;
      if (is_comparison(n.op)) {
        if (n.return_bool) out.push_back(Sample{"", labels, res});
        else if (res != 0) out.push_back(Sample{s.name, s.labels, s.value});
      } else {
        out.push_back(Sample{"", labels, res});
      }
    }
    return out;
  }

  TimeNs now_;
  const SeriesSource& source_;
};

}  // namespace

bool matches(const Node& selector, std::string_view name, const Labels& labels) {
  if (!selector.metric.empty() && selector.metric != name) return false;
  for (const Matcher& m : selector.matchers) {
    const std::string_view value = label_value(labels, m.label);
    switch (m.op) {
      case MatchOp::kEqual:
        if (value != m.value) return false;
        break;
      case MatchOp::kNotEqual:
        if (value == m.value) return false;
        break;
      case MatchOp::kRegex:
      case MatchOp::kNotRegex: {
        bool hit = false;
        if (m.regex != nullptr) {
          hit = m.regex->full_match(value);  // anchored, as in PromQL
        } else {
          const CompiledRegex re(m.value);  // a matcher built by hand rather than parsed
          hit = re.ok() && re.full_match(value);
        }
        if (hit != (m.op == MatchOp::kRegex)) return false;
        break;
      }
    }
  }
  return true;
}

std::variant<Value, EvalError> evaluate(const Node& node, TimeNs now, const SeriesSource& source) {
  Evaluator e(now, source);
  Value v = e.eval(node);
  if (e.error) return *e.error;
  return v;
}

std::string to_string(const Value& value) {
  char buf[64];
  if (auto* s = std::get_if<double>(&value)) {
    std::snprintf(buf, sizeof buf, "%.10g", *s);
    return buf;
  }
  std::vector<std::string> lines;
  for (const Sample& s : std::get<Vector>(value)) {
    std::string line = s.name + "{";
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
      line += (i ? "," : "") + s.labels[i].first + "=\"" + s.labels[i].second + "\"";
    }
    std::snprintf(buf, sizeof buf, "} %.10g", s.value);
    lines.push_back(line + buf);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out;
}

}  // namespace hashwatch::rules::expr
