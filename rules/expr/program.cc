#include "rules/expr/program.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "rules/expr/ops.h"
#include "rules/expr/parser.h"

namespace hashwatch::rules::expr {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

enum class Fn : std::uint8_t {
  kNone, kTime, kAge, kAbsent, kAvgOverTime, kSumOverTime, kMinOverTime, kMaxOverTime,
  kCountOverTime, kDelta, kRate, kAbs, kClampMin, kClampMax, kUnknown
};

Fn function_of(const std::string& f) {
  static const std::pair<const char*, Fn> kTable[] = {
      {"time", Fn::kTime}, {"age", Fn::kAge}, {"absent", Fn::kAbsent},
      {"avg_over_time", Fn::kAvgOverTime}, {"sum_over_time", Fn::kSumOverTime},
      {"min_over_time", Fn::kMinOverTime}, {"max_over_time", Fn::kMaxOverTime},
      {"count_over_time", Fn::kCountOverTime}, {"delta", Fn::kDelta}, {"rate", Fn::kRate},
      {"abs", Fn::kAbs}, {"clamp_min", Fn::kClampMin}, {"clamp_max", Fn::kClampMax},
  };
  for (const auto& [name, fn] : kTable) {
    if (f == name) return fn;
  }
  return Fn::kUnknown;
}

bool takes_range(Fn fn) {
  return fn == Fn::kAvgOverTime || fn == Fn::kSumOverTime || fn == Fn::kMinOverTime ||
         fn == Fn::kMaxOverTime || fn == Fn::kCountOverTime || fn == Fn::kDelta || fn == Fn::kRate;
}

// Static typing, in the tree-walker's evaluation order so the first error is the same one.
class TypeChecker {
 public:
  std::optional<EvalError> error;

  // true: the node yields a number; false: a vector.
  bool scalar(const Node& n) {
    if (error) return true;
    switch (n.kind) {
      case Node::Kind::kNumber: return true;
      case Node::Kind::kSelector:
        if (n.range_ns) fail(n.pos, "a range selector needs a function such as avg_over_time()");
        return false;
      case Node::Kind::kNegate: return scalar(*n.args[0]);
      case Node::Kind::kAggregate:
        if (scalar(*n.args[0])) fail(n.args[0]->pos, "aggregations take a series expression");
        return false;
      case Node::Kind::kCall: {
        const Fn fn = function_of(n.function);
        if (fn == Fn::kTime) return true;
        if (fn == Fn::kAge || takes_range(fn)) return false;
        if (fn == Fn::kAbsent) {
          scalar(*n.args[0]);
          return false;
        }
        if (fn == Fn::kUnknown) {
          fail(n.pos, "unknown function " + n.function);
          return true;
        }
        const bool s = scalar(*n.args[0]);
        if (fn == Fn::kAbs) return s;
        if (!scalar(*n.args[1])) fail(n.args[1]->pos, n.function + "() takes a number as its second argument");
        return s;
      }
      case Node::Kind::kBinary: {
        const bool l = scalar(*n.lhs);
        const bool r = scalar(*n.rhs);
        if (error) return true;
        if (is_set_op(n.op) && (l || r)) {
          fail(n.pos, std::string(binary_op_text(n.op)) + " works on series, not numbers");
        } else if (l && r && is_comparison(n.op) && !n.return_bool) {
          fail(n.pos, "a comparison of two numbers needs bool");
        }
        return l && r;
      }
    }
    return true;
  }

 private:
  void fail(std::size_t pos, std::string message) {
    if (!error) error = EvalError{pos, std::move(message)};
  }
};

// A dense map from label-set id to a small index, cleared in O(1) by bumping a generation.
class KeyTable {
 public:
  void reset(std::size_t ids) {
    if (stamp_.size() < ids) {
      stamp_.resize(ids, 0);
      slot_.resize(ids, 0);
    }
    if (++gen_ == 0) {  // wrapped: start over
      std::fill(stamp_.begin(), stamp_.end(), 0);
      gen_ = 1;
    }
  }
  std::uint32_t find(LabelSetId key) const { return stamp_[key] == gen_ ? slot_[key] : kNone; }
  void put(LabelSetId key, std::uint32_t slot) {
    stamp_[key] = gen_;
    slot_[key] = slot;
  }

 private:
  std::vector<std::uint32_t> stamp_, slot_;
  std::uint32_t gen_ = 0;
};

}  // namespace

// ---- label sets ----

LabelSetPool::LabelSetPool() { intern({}); }

LabelSetId LabelSetPool::intern(const Labels& sorted) {
  auto it = ids_.find(sorted);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<LabelSetId>(sets_.size());
  auto inserted = ids_.emplace(sorted, id).first;
  sets_.push_back(&inserted->first);  // map nodes are stable
  return id;
}

// ---- programs ----

struct ProgramSet::Program {
  struct Group {
    LabelSetId key;
    double sum, min, max;
    std::size_t count;
  };
  // A ring of absolute point indices (monotonic queue for min/max).
  struct IndexQueue {
    std::vector<std::uint64_t> buf;
    std::size_t head = 0, size = 0;
    bool empty() const { return size == 0; }
    std::uint64_t front() const { return buf[head]; }
    std::uint64_t back() const { return buf[(head + size - 1) % buf.size()]; }
    void pop_front() {
      head = (head + 1) % buf.size();
      --size;
    }
    void pop_back() { --size; }
    void push_back(std::uint64_t v) {
      if (size == buf.size()) {
        std::vector<std::uint64_t> next(std::max<std::size_t>(8, buf.size() * 2));
        for (std::size_t i = 0; i < size; ++i) next[i] = buf[(head + i) % buf.size()];
        buf = std::move(next);
        head = 0;
      }
      buf[(head + size) % buf.size()] = v;
      ++size;
    }
    void clear() { head = size = 0; }
  };
  // Running aggregates of one series over one window: points [lo, hi) of its history.
  struct Window {
    bool valid = false;
    TimeNs to = 0;                      // the window's end at the last evaluation
    std::uint64_t lo = 0, hi = 0;
    double sum = 0, sum_c = 0;          // Neumaier-compensated sum of values
    double inc = 0, inc_c = 0;          // ... of counter increases between neighbours
    IndexQueue max_q, min_q;            // candidates, values decreasing / increasing (NaN never enters)
    std::uint32_t removed = 0;          // since the last exact rebuild
    std::uint32_t nonfinite = 0;        // values that are ±Inf or NaN: kept out of the running sums
    std::uint64_t gaps = 0;             // gap points in the window
    std::uint64_t last_value = ~std::uint64_t{0};  // index of the newest value (not gap) in the window
  };
  struct CNode {
    const Node* src = nullptr;
    Node::Kind kind = Node::Kind::kNumber;
    bool scalar = false;
    Fn fn = Fn::kNone;
    std::uint32_t a = kNone, b = kNone;  // children: arg/lhs, second arg/rhs
    std::uint32_t selector = kNone;      // own selector, or the argument's (age, *_over_time)
    LabelSetId absent_labels = 0;
    double value = 0.0;                  // scalar result
    std::vector<CompiledSample> out;     // vector result, reused
    std::vector<LabelSetId> memo;        // input label set -> matching key / group labels
    std::vector<Group> groups;
    std::vector<std::uint8_t> used;      // right-hand entries already matched (one-to-one)
    std::vector<Window> windows;         // range functions: one per matched series
  };
  std::shared_ptr<const Node> expr;
  std::vector<CNode> nodes;
  std::uint32_t root = kNone;
  bool time_dependent = false;
  std::vector<std::string> reads;
};

struct ProgramSet::Impl {
  struct Selector {
    const Node* node;
    std::uint32_t program;
    TimeNs history_ns;
    std::vector<SeriesId> matched;
    std::vector<LabelSetId> matched_labels;  // parallel to matched
    std::size_t scanned = 0;  // series ids examined so far
  };
  std::vector<std::unique_ptr<Program>> programs;
  std::vector<Selector> selectors;
  std::vector<LabelSetId> series_labels;    // by SeriesId; kNone until first needed
  KeyTable table;
  std::optional<EvalError> error;
  Labels scratch;
  std::uint64_t window_restarts = 0;
  std::size_t synced = 0;  // every selector has scanned this many series (add() resets it)
};

ProgramSet::ProgramSet() : impl_(std::make_unique<Impl>()) {}
ProgramSet::~ProgramSet() = default;

std::size_t ProgramSet::size() const { return impl_->programs.size(); }

std::optional<EvalError> check_types(const Node& expr, bool* scalar) {
  TypeChecker checker;
  const bool s = checker.scalar(expr);
  if (scalar != nullptr) *scalar = s;
  return checker.error;
}

std::variant<std::uint32_t, EvalError> ProgramSet::add(std::shared_ptr<const Node> expr) {
  TypeChecker checker;
  checker.scalar(*expr);
  if (checker.error) return *checker.error;

  auto program = std::make_unique<Program>();
  const auto id = static_cast<std::uint32_t>(impl_->programs.size());
  Program& p = *program;
  p.expr = std::move(expr);

  auto add_selector = [&](const Node& sel) {
    TimeNs reach;  // how far back it reads; saturates rather than overflow on absurd durations
    if (__builtin_add_overflow(sel.range_ns.value_or(0), sel.offset_ns, &reach)) reach = std::numeric_limits<TimeNs>::max();
    impl_->selectors.push_back(Impl::Selector{&sel, id, reach, {}, {}, 0});
    if (sel.range_ns || sel.offset_ns != 0) p.time_dependent = true;
    if (std::find(p.reads.begin(), p.reads.end(), sel.metric) == p.reads.end()) p.reads.push_back(sel.metric);
    return static_cast<std::uint32_t>(impl_->selectors.size() - 1);
  };

  // Post-order, so children's indices exist when the parent is appended.
  auto compile = [&](auto& self, const Node& n) -> std::uint32_t {
    Program::CNode c;
    c.src = &n;
    c.kind = n.kind;
    switch (n.kind) {
      case Node::Kind::kNumber:
        c.scalar = true;
        c.value = n.number;
        break;
      case Node::Kind::kSelector:
        c.selector = add_selector(n);
        break;
      case Node::Kind::kNegate:
        c.a = self(self, *n.args[0]);
        c.scalar = p.nodes[c.a].scalar;
        break;
      case Node::Kind::kAggregate:
        c.a = self(self, *n.args[0]);
        break;
      case Node::Kind::kCall:
        c.fn = function_of(n.function);
        if (c.fn == Fn::kTime) {
          c.scalar = true;
          p.time_dependent = true;
        } else if (c.fn == Fn::kAge || takes_range(c.fn)) {
          c.selector = add_selector(*n.args[0]);
          if (c.fn == Fn::kAge) p.time_dependent = true;
        } else if (c.fn == Fn::kAbsent) {
          c.a = self(self, *n.args[0]);
          Labels labels;
          if (n.args[0]->kind == Node::Kind::kSelector) {
            for (const Matcher& m : n.args[0]->matchers) {
              if (m.op == MatchOp::kEqual) labels.emplace_back(m.label, m.value);
            }
            std::sort(labels.begin(), labels.end());
          }
          c.absent_labels = labels_.intern(labels);
        } else {
          c.a = self(self, *n.args[0]);
          c.scalar = p.nodes[c.a].scalar;
          if (n.args.size() > 1) c.b = self(self, *n.args[1]);
        }
        break;
      case Node::Kind::kBinary:
        c.a = self(self, *n.lhs);
        c.b = self(self, *n.rhs);
        c.scalar = p.nodes[c.a].scalar && p.nodes[c.b].scalar;
        break;
    }
    p.nodes.push_back(std::move(c));
    return static_cast<std::uint32_t>(p.nodes.size() - 1);
  };
  p.root = compile(compile, *p.expr);
  impl_->programs.push_back(std::move(program));
  impl_->synced = 0;  // its selectors have seen nothing yet
  return id;
}

void ProgramSet::sync(const SeriesCatalog& catalog, std::vector<SelectorMatch>* matches) {
  const std::size_t count = catalog.series_count();
  if (count == impl_->synced) return;  // the per-event case: nothing new, nothing to scan
  for (auto& sel : impl_->selectors) {
    // Each selector scans from where it stopped: one compiled after the last sync starts at 0.
    for (std::size_t i = sel.scanned; i < count; ++i) {
      const auto id = static_cast<SeriesId>(i);
      const SeriesInfo& info = catalog.info(id);
      if (!expr::matches(*sel.node, info.name, info.labels)) continue;
      sel.matched.push_back(id);
      sel.matched_labels.push_back(series_labels(catalog, id));
      if (matches != nullptr) matches->push_back(SelectorMatch{sel.program, id, sel.history_ns});
    }
    sel.scanned = count;
  }
  impl_->synced = count;
}

LabelSetId ProgramSet::series_labels(const SeriesCatalog& catalog, SeriesId id) {
  auto& cache = impl_->series_labels;
  if (cache.size() <= id) cache.resize(std::max<std::size_t>(id + 1, catalog.series_count()), kNone);
  if (cache[id] == kNone) cache[id] = labels_.intern(catalog.info(id).labels);
  return cache[id];
}

std::uint64_t ProgramSet::window_restarts() const { return impl_->window_restarts; }

bool ProgramSet::time_dependent(std::uint32_t id) const { return impl_->programs[id]->time_dependent; }

const std::vector<std::string>& ProgramSet::reads(std::uint32_t id) const { return impl_->programs[id]->reads; }

namespace {

// The labels a one-to-one match compares (on / ignoring), or an aggregation groups by.
void project(const Labels& labels, const Node& n, bool aggregate, Labels& out) {
  out.clear();
  for (const auto& kv : labels) {
    bool keep;
    if (aggregate) {
      keep = !kv.second.empty() &&
             std::find(n.grouping.begin(), n.grouping.end(), kv.first) != n.grouping.end();
    } else if (n.on) {
      keep = std::find(n.on->begin(), n.on->end(), kv.first) != n.on->end();
    } else {
      keep = !n.ignoring || std::find(n.ignoring->begin(), n.ignoring->end(), kv.first) == n.ignoring->end();
    }
    if (keep) out.push_back(kv);
  }
}

}  // namespace

class ProgramEvaluator {
 public:
  using CNode = ProgramSet::Program::CNode;

  ProgramEvaluator(ProgramSet& set, ProgramSet::Impl& impl, ProgramSet::Program& p, TimeNs now,
                   const SeriesCatalog& catalog)
      : set_(set), impl_(impl), p_(p), now_(now), catalog_(catalog) {}

  void run(std::uint32_t i) {
    if (impl_.error) return;
    CNode& n = p_.nodes[i];
    switch (n.kind) {
      case Node::Kind::kNumber: return;
      case Node::Kind::kSelector: return selector(n);
      case Node::Kind::kNegate: {
        run(n.a);
        const CNode& in = p_.nodes[n.a];
        if (n.scalar) {
          n.value = -in.value;
          return;
        }
        n.out.clear();
        for (const CompiledSample& s : in.out) n.out.push_back(CompiledSample{s.labels, kNoSeries, -s.value});
        return;
      }
      case Node::Kind::kAggregate: return aggregate(n);
      case Node::Kind::kCall: return call(n);
      case Node::Kind::kBinary: return binary(n);
    }
  }

 private:
  LabelSetId key_of(CNode& n, LabelSetId labels, bool aggregate) {
    if (n.memo.size() <= labels) n.memo.resize(set_.labels().size(), kNone);
    LabelSetId& key = n.memo[labels];
    if (key == kNone) {
      project(set_.labels().get(labels), *n.src, aggregate, impl_.scratch);
      key = set_.labels().intern(impl_.scratch);
    }
    return key;
  }

  void fail(std::size_t pos, const char* message) {
    if (!impl_.error) impl_.error = EvalError{pos, message};
  }

  void selector(CNode& n) {
    n.out.clear();
    const auto& sel = impl_.selectors[n.selector];
    const Node& src = *sel.node;
    for (std::size_t k = 0; k < sel.matched.size(); ++k) {
      const SeriesId id = sel.matched[k];
      double v;
      const bool ok = src.offset_ns == 0 ? catalog_.current(id, v)
                                         : catalog_.value_at(id, now_ - src.offset_ns, v);
      if (ok) n.out.push_back(CompiledSample{sel.matched_labels[k], id, v});
    }
  }

  void aggregate(CNode& n) {
    run(n.a);
    if (impl_.error) return;
    const CNode& in = p_.nodes[n.a];
    n.groups.clear();
    // Group keys first: interning may grow the pool, and the table must cover every key.
    for (const CompiledSample& s : in.out) key_of(n, s.labels, true);
    impl_.table.reset(set_.labels().size());
    for (const CompiledSample& s : in.out) {
      const LabelSetId key = n.memo[s.labels];
      std::uint32_t g = impl_.table.find(key);
      if (g == kNone) {
        g = static_cast<std::uint32_t>(n.groups.size());
        impl_.table.put(key, g);
        n.groups.push_back(ProgramSet::Program::Group{key, 0.0, INFINITY, -INFINITY, 0});
      }
      auto& group = n.groups[g];
      group.sum += s.value;
      group.min = std::min(group.min, s.value);
      group.max = std::max(group.max, s.value);
      ++group.count;
    }
    n.out.clear();
    for (const auto& g : n.groups) {
      double v = 0;
      switch (n.src->aggregate) {
        case AggregateOp::kSum: v = g.sum; break;
        case AggregateOp::kMin: v = g.min; break;
        case AggregateOp::kMax: v = g.max; break;
        case AggregateOp::kAvg: v = g.sum / static_cast<double>(g.count); break;
        case AggregateOp::kCount: v = static_cast<double>(g.count); break;
      }
      n.out.push_back(CompiledSample{g.key, kNoSeries, v});
    }
  }

  static void add_compensated(double& sum, double& c, double v) {
    const double t = sum + v;
    c += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  static double increase(double a, double b) { return counter_increase(a, b); }

  // Running sums take finite values only: an infinity added and later subtracted would leave NaN.
  // While a window holds a non-finite value, its sums are computed directly (as the tree-walker
  // does). Gap points (the series was absent) count for nothing; `rate` pairs each value with the
  // previous value in the window, across any gap.
  using Window = ProgramSet::Program::Window;
  static constexpr std::uint64_t kNoIndex = ~std::uint64_t{0};

  static void add_point(Window& w, const HistoryView& h) {
    const Point& p = h.at(w.hi);
    if (is_gap(p)) {
      ++w.gaps;
      ++w.hi;
      return;
    }
    const double v = p.v;
    if (std::isfinite(v)) {
      add_compensated(w.sum, w.sum_c, v);
    } else {
      ++w.nonfinite;
    }
    if (w.last_value != kNoIndex) {
      const double d = increase(h.at(w.last_value).v, v);
      if (std::isfinite(d)) add_compensated(w.inc, w.inc_c, d);
    }
    if (!std::isnan(v)) {  // std::min/max as the tree-walker uses them pass over NaN
      // Strict: of equal values the earliest stays in front, as std::max/min keep the first.
      while (!w.max_q.empty() && h.at(w.max_q.back()).v < v) w.max_q.pop_back();
      w.max_q.push_back(w.hi);
      while (!w.min_q.empty() && h.at(w.min_q.back()).v > v) w.min_q.pop_back();
      w.min_q.push_back(w.hi);
    }
    w.last_value = w.hi;
    ++w.hi;
  }

  // The first value (not gap) at or after index i in the window, or kNoIndex.
  static std::uint64_t next_value(const Window& w, const HistoryView& h, std::uint64_t i) {
    while (i < w.hi && is_gap(h.at(i))) ++i;
    return i < w.hi ? i : kNoIndex;
  }

  static void remove_point(Window& w, const HistoryView& h) {
    const Point& p = h.at(w.lo);
    if (is_gap(p)) {
      --w.gaps;
      ++w.lo;
      ++w.removed;
      return;
    }
    const double v = p.v;
    if (std::isfinite(v)) {
      add_compensated(w.sum, w.sum_c, -v);
    } else {
      --w.nonfinite;
    }
    if (const std::uint64_t next = next_value(w, h, w.lo + 1); next != kNoIndex) {
      const double d = increase(v, h.at(next).v);
      if (std::isfinite(d)) add_compensated(w.inc, w.inc_c, -d);
    }
    if (!w.max_q.empty() && w.max_q.front() == w.lo) w.max_q.pop_front();
    if (!w.min_q.empty() && w.min_q.front() == w.lo) w.min_q.pop_front();
    if (w.last_value == w.lo) w.last_value = kNoIndex;
    ++w.lo;
    ++w.removed;
  }

  // Plain sums over the values in point order, exactly as the tree-walker forms them.
  static void direct_sums(const Window& w, const HistoryView& h, double& sum, double& inc) {
    sum = inc = 0;
    std::uint64_t prev = kNoIndex;
    for (std::uint64_t i = w.lo; i < w.hi; ++i) {
      if (is_gap(h.at(i))) continue;
      sum += h.at(i).v;
      if (prev != kNoIndex) inc += increase(h.at(prev).v, h.at(i).v);
      prev = i;
    }
  }

  // Exact running sums from scratch: bounds the drift of adding and subtracting.
  static void rebuild_sums(Window& w, const HistoryView& h) {
    w.sum = w.sum_c = w.inc = w.inc_c = 0;
    std::uint64_t prev = kNoIndex;
    for (std::uint64_t i = w.lo; i < w.hi; ++i) {
      if (is_gap(h.at(i))) continue;
      if (std::isfinite(h.at(i).v)) add_compensated(w.sum, w.sum_c, h.at(i).v);
      if (prev != kNoIndex) {
        const double d = increase(h.at(prev).v, h.at(i).v);
        if (std::isfinite(d)) add_compensated(w.inc, w.inc_c, d);
      }
      prev = i;
    }
    w.removed = 0;
  }

  void window(CNode& n) {
    n.out.clear();
    const auto& sel = impl_.selectors[n.selector];
    const Node& src = *sel.node;
    TimeNs to, from;
    if (__builtin_sub_overflow(now_, src.offset_ns, &to)) to = std::numeric_limits<TimeNs>::min();
    const TimeNs range = *src.range_ns;
    if (__builtin_sub_overflow(to, range, &from)) from = std::numeric_limits<TimeNs>::min();
    if (n.windows.size() < sel.matched.size()) n.windows.resize(sel.matched.size());
    for (std::size_t k = 0; k < sel.matched.size(); ++k) {
      const SeriesId id = sel.matched[k];
      const HistoryView h = catalog_.history(id);
      ProgramSet::Program::Window& w = n.windows[k];
      if (!w.valid || w.lo < h.begin || w.hi > h.end || to < w.to) {
        // First use, the history this window relied on is gone, or time went back: start over.
        if (w.valid) ++impl_.window_restarts;
        w = ProgramSet::Program::Window{};
        w.valid = true;
        w.lo = w.hi = h.begin;
      }
      w.to = to;
      while (w.hi < h.end && h.at(w.hi).t <= to) add_point(w, h);
      // The point in force when the window opens stays in: drop a point only once the next one
      // is also at or before the window's start.
      while (w.lo + 1 < w.hi && h.at(w.lo + 1).t <= from) remove_point(w, h);
      const std::uint64_t count = w.hi - w.lo - w.gaps;  // values, not gaps
      if (count == 0) {
        w.sum = w.sum_c = w.inc = w.inc_c = 0;
        continue;
      }
      if (w.removed >= 4096) rebuild_sums(w, h);
      double sum = w.sum + w.sum_c, inc = w.inc + w.inc_c;
      if (w.nonfinite > 0) direct_sums(w, h, sum, inc);
      double v = 0;
      switch (n.fn) {
        case Fn::kAvgOverTime: v = sum / static_cast<double>(count); break;
        case Fn::kSumOverTime: v = sum; break;
        case Fn::kMinOverTime: v = w.min_q.empty() ? INFINITY : h.at(w.min_q.front()).v; break;
        case Fn::kMaxOverTime: v = w.max_q.empty() ? -INFINITY : h.at(w.max_q.front()).v; break;
        case Fn::kCountOverTime: v = static_cast<double>(count); break;
        case Fn::kDelta:
          if (count < 2) continue;  // one point has no change to measure
          v = h.at(w.last_value).v - h.at(next_value(w, h, w.lo)).v;
          break;
        case Fn::kRate:
          if (count < 2) continue;
          v = inc / (static_cast<double>(range) / 1e9);
          break;
        default:
          break;
      }
      n.out.push_back(CompiledSample{sel.matched_labels[k], kNoSeries, v});
    }
  }

  template <typename F>
  void map_values(CNode& n, F fn) {
    const CNode& in = p_.nodes[n.a];
    if (n.scalar) {
      n.value = fn(in.value);
      return;
    }
    n.out.clear();
    for (const CompiledSample& s : in.out) n.out.push_back(CompiledSample{s.labels, kNoSeries, fn(s.value)});
  }

  void call(CNode& n) {
    switch (n.fn) {
      case Fn::kTime:
        n.value = static_cast<double>(now_) / 1e9;
        return;
      case Fn::kAge: {
        n.out.clear();
        const auto& sel = impl_.selectors[n.selector];
        for (std::size_t k = 0; k < sel.matched.size(); ++k) {
          TimeNs t;
          if (catalog_.changed_at(sel.matched[k], t)) {
            n.out.push_back(CompiledSample{sel.matched_labels[k], kNoSeries,
                                           static_cast<double>(now_ - t) / 1e9});
          }
        }
        return;
      }
      case Fn::kAbsent: {
        run(n.a);
        const CNode& in = p_.nodes[n.a];
        n.out.clear();
        if (in.scalar || in.out.empty()) n.out.push_back(CompiledSample{n.absent_labels, kNoSeries, 1.0});
        return;
      }
      case Fn::kAbs:
        run(n.a);
        return map_values(n, [](double x) { return std::abs(x); });
      case Fn::kClampMin:
      case Fn::kClampMax: {
        run(n.a);
        run(n.b);
        const double bound = p_.nodes[n.b].value;
        if (n.fn == Fn::kClampMin) return map_values(n, [bound](double x) { return std::max(x, bound); });
        return map_values(n, [bound](double x) { return std::min(x, bound); });
      }
      default:
        if (takes_range(n.fn)) window(n);
        return;
    }
  }

  void binary(CNode& n) {
    run(n.a);
    run(n.b);
    if (impl_.error) return;
    const Node& src = *n.src;
    const CNode& l = p_.nodes[n.a];
    const CNode& r = p_.nodes[n.b];
    if (n.scalar) {
      n.value = arithmetic(src.op, l.value, r.value);
      return;
    }
    n.out.clear();
    const bool comparison = is_comparison(src.op);
    if (l.scalar || r.scalar) {
      const CNode& vec = l.scalar ? r : l;
      const double s = l.scalar ? l.value : r.value;
      for (const CompiledSample& x : vec.out) {
        const double res = l.scalar ? arithmetic(src.op, s, x.value) : arithmetic(src.op, x.value, s);
        if (!comparison) {
          n.out.push_back(CompiledSample{x.labels, kNoSeries, res});
        } else if (src.return_bool) {
          n.out.push_back(CompiledSample{x.labels, kNoSeries, res});
        } else if (res != 0) {
          n.out.push_back(x);  // a filter keeps the series' own value
        }
      }
      return;
    }
    // Matching keys first: interning may grow the pool, and the table must cover every key.
    for (const CompiledSample& s : l.out) key_of(n, s.labels, false);
    for (const CompiledSample& s : r.out) key_of(n, s.labels, false);
    KeyTable& table = impl_.table;
    table.reset(set_.labels().size());
    if (src.op == BinaryOp::kOr) {
      for (const CompiledSample& s : l.out) {
        n.out.push_back(s);
        table.put(n.memo[s.labels], 0);
      }
      for (const CompiledSample& s : r.out) {
        if (table.find(n.memo[s.labels]) == kNone) n.out.push_back(s);
      }
      return;
    }
    const bool set_op = is_set_op(src.op);
    for (std::uint32_t j = 0; j < r.out.size(); ++j) {
      const LabelSetId key = n.memo[r.out[j].labels];
      if (table.find(key) != kNone) {
        if (set_op) continue;  // the first one stands for the key
        return fail(src.rhs->pos, "several series on the right match the same labels; use on() or an aggregation");
      }
      table.put(key, j);
    }
    n.used.assign(r.out.size(), 0);
    for (const CompiledSample& s : l.out) {
      const LabelSetId key = n.memo[s.labels];
      const std::uint32_t j = table.find(key);
      if (src.op == BinaryOp::kAnd) {
        if (j != kNone) n.out.push_back(s);
        continue;
      }
      if (src.op == BinaryOp::kUnless) {
        if (j == kNone) n.out.push_back(s);
        continue;
      }
      if (j == kNone) continue;
      if (n.used[j]++ != 0) {
        return fail(src.lhs->pos, "several series on the left match the same labels; use on() or an aggregation");
      }
      const double res = arithmetic(src.op, s.value, r.out[j].value);
      const LabelSetId labels = src.on ? key : s.labels;
      if (!comparison) {
        n.out.push_back(CompiledSample{labels, kNoSeries, res});
      } else if (src.return_bool) {
        n.out.push_back(CompiledSample{labels, kNoSeries, res});
      } else if (res != 0) {
        n.out.push_back(s);
      }
    }
  }

  ProgramSet& set_;
  ProgramSet::Impl& impl_;
  ProgramSet::Program& p_;
  TimeNs now_;
  const SeriesCatalog& catalog_;
};

std::optional<EvalError> ProgramSet::evaluate(std::uint32_t id, TimeNs now, const SeriesCatalog& catalog,
                                              ProgramResult& result) {
  Program& p = *impl_->programs[id];
  impl_->error.reset();
  ProgramEvaluator(*this, *impl_, p, now, catalog).run(p.root);
  if (impl_->error) {
    result = ProgramResult{};
    return impl_->error;
  }
  const auto& root = p.nodes[p.root];
  result.scalar = root.scalar;
  result.value = root.value;
  result.samples = root.out;
  return std::nullopt;
}

Value ProgramSet::to_value(const ProgramResult& result, const SeriesCatalog& catalog) const {
  if (result.scalar) return result.value;
  Vector out;
  for (const CompiledSample& s : result.samples) {
    out.push_back(Sample{s.origin == kNoSeries ? std::string() : catalog.info(s.origin).name,
                         labels_.get(s.labels), s.value});
  }
  return out;
}

}  // namespace hashwatch::rules::expr
