#include "rules/rule_runtime.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <stdexcept>

#include "rules/expr/program.h"

namespace hashwatch::rules {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

using expr::LabelSetId;

std::string_view label_of(const Labels& labels, std::string_view name) {
  for (const auto& [k, v] : labels) {
    if (k == name) return v;
  }
  return {};
}

// `base` with `overrides` applied (both sorted), sorted.
Labels merge_labels(const Labels& base, const Labels& overrides) {
  Labels out = overrides;
  for (const auto& kv : base) {
    if (std::none_of(overrides.begin(), overrides.end(), [&](const auto& o) { return o.first == kv.first; })) {
      out.push_back(kv);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Metric names an expression's selectors read ("" for a selector without a name).
void collect_reads(const expr::Node& n, std::vector<std::string>& out) {
  if (n.kind == expr::Node::Kind::kSelector &&
      std::find(out.begin(), out.end(), n.metric) == out.end()) {
    out.push_back(n.metric);
  }
  for (const auto& a : n.args) collect_reads(*a, out);
  if (n.lhs) collect_reads(*n.lhs, out);
  if (n.rhs) collect_reads(*n.rhs, out);
}

std::vector<std::string> rule_reads(const RuleDef& rule) {
  std::vector<std::string> reads;
  if (rule.expr) collect_reads(*rule.expr, reads);
  if (rule.resolve) collect_reads(*rule.resolve, reads);
  return reads;
}

// Rule indices in an order where every recording rule comes before the rules reading its output,
// file order otherwise. Empty `cycle` on success; else the rules left in a cycle.
std::vector<std::size_t> evaluation_order(const std::vector<RuleDef>& rules, std::vector<std::size_t>& cycle) {
  const std::size_t n = rules.size();
  std::vector<std::vector<std::string>> reads(n);
  for (std::size_t i = 0; i < n; ++i) reads[i] = rule_reads(rules[i]);
  // writer -> reader edges
  std::vector<std::vector<std::size_t>> readers(n);
  std::vector<std::size_t> indegree(n, 0);
  for (std::size_t w = 0; w < n; ++w) {
    if (rules[w].kind != RuleDef::Kind::kRecord) continue;
    for (std::size_t r = 0; r < n; ++r) {
      const bool reads_it = std::any_of(reads[r].begin(), reads[r].end(), [&](const std::string& name) {
        return name.empty() || name == rules[w].name;
      });
      if (reads_it) {
        readers[w].push_back(r);
        ++indegree[r];
      }
    }
  }
  std::vector<std::size_t> order;
  std::vector<std::uint8_t> done(n, 0);
  while (order.size() < n) {
    std::size_t next = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (!done[i] && indegree[i] == 0) {
        next = i;
        break;
      }
    }
    if (next == n) break;
    done[next] = 1;
    order.push_back(next);
    for (std::size_t r : readers[next]) --indegree[r];
  }
  cycle.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (!done[i]) cycle.push_back(i);
  }
  return order;
}

// One RingBuffer of (time, value) points per series that a window or offset reads.
class History {
 public:
  TimeNs keep_ns = 0;

  void push(TimeNs t, double v) {
    // Keep one point at or before the oldest instant a selector can ask for. The horizon is the
    // previous push's: windows advanced to it when the rules read that change, so what is dropped
    // here they have already left behind (no window has to start over).
    if (size_ > 0 && at(size_ - 1).t == t && std::bit_cast<std::uint64_t>(at(size_ - 1).v) == std::bit_cast<std::uint64_t>(v)) {
      // The same point twice (a series first seen and first set in one pass is seeded, then
      // reported changed). Points are never rewritten in place: windows hold running sums of them.
      return;
    }
    if (pushed_) {
      TimeNs horizon;
      if (__builtin_sub_overflow(last_push_, keep_ns, &horizon)) horizon = std::numeric_limits<TimeNs>::min();
      while (size_ >= 2 && at(1).t <= horizon) pop_front();
    }
    last_push_ = t;
    pushed_ = true;
    if (size_ == ring_.size()) grow();
    ring_[(head_ + size_) % ring_.size()] = expr::Point{t, v};
    ++size_;
  }

  bool value_at(TimeNs t, double& v) const {
    const std::size_t i = upper(t);  // first point after t
    if (i == 0 || expr::is_gap(at(i - 1))) return false;  // nothing yet, or absent then
    v = at(i - 1).v;
    return true;
  }

  // The series has no value from t on. One gap stands for a run of them.
  void push_gap(TimeNs t) {
    if (size_ > 0 && expr::is_gap(at(size_ - 1))) return;
    if (size_ == 0) return;  // nothing before it to end
    const expr::Point g = expr::gap_point(t);
    push(g.t, g.v);
  }

  expr::HistoryView view() const {
    return expr::HistoryView{ring_.data(), ring_.size(), head_, begin_, begin_ + size_};
  }

  bool empty() const { return size_ == 0; }

 private:
  const expr::Point& at(std::size_t i) const { return ring_[(head_ + i) % ring_.size()]; }
  void pop_front() {
    head_ = (head_ + 1) % ring_.size();
    --size_;
    ++begin_;
  }
  void grow() {
    std::vector<expr::Point> next(std::max<std::size_t>(8, ring_.size() * 2));
    for (std::size_t i = 0; i < size_; ++i) next[i] = at(i);
    ring_ = std::move(next);
    head_ = 0;
  }
  // Index of the first point with time > t.
  std::size_t upper(TimeNs t) const {
    std::size_t lo = 0, hi = size_;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (at(mid).t <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  std::vector<expr::Point> ring_;
  std::size_t head_ = 0, size_ = 0;
  std::uint64_t begin_ = 0;  // absolute index of the oldest point held
  TimeNs last_push_ = 0;
  bool pushed_ = false;
};

}  // namespace

std::vector<RuleProblem> check_rules(const std::vector<RuleDef>& rules) {
  std::vector<RuleProblem> problems;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleDef& r = rules[i];
    if (!r.expr) {
      problems.push_back(RuleProblem{i, false, 0, "the rule has no expression"});
      continue;
    }
    bool scalar = false;
    if (auto e = expr::check_types(*r.expr, &scalar)) {
      problems.push_back(RuleProblem{i, false, e->pos, e->message});
    } else if (scalar && r.kind == RuleDef::Kind::kAlert) {
      problems.push_back(RuleProblem{i, false, 0,
                                     "an alert's expression must return series (compare series, not numbers)"});
    }
    if (r.resolve) {
      if (auto e = expr::check_types(*r.resolve, &scalar)) {
        problems.push_back(RuleProblem{i, true, e->pos, e->message});
      } else if (scalar) {
        problems.push_back(RuleProblem{i, true, 0, "resolve_expr must return series, not a number"});
      }
    }
  }
  std::vector<std::size_t> cycle;
  evaluation_order(rules, cycle);
  if (!cycle.empty()) {
    std::string names;
    for (std::size_t i : cycle) names += (names.empty() ? "" : ", ") + rules[i].name;
    for (std::size_t i : cycle) {
      if (rules[i].kind == RuleDef::Kind::kRecord) {
        problems.push_back(RuleProblem{i, false, 0, "recording rules read each other in a cycle: " + names});
        break;
      }
    }
  }
  return problems;
}

struct RuleRuntime::Impl final : expr::SeriesCatalog {
  struct Instance {
    alerts::AlertInstance a;
    LabelSetId full = 0;
    bool holds = false, resolve_holds = false;
    std::uint64_t seen = 0, resolve_seen = 0;
    TimeNs restored_until_ns = 0;  // grace after a restore: not reset for want of inputs
  };
  struct AlertRule {
    std::vector<LabelSetId> full_memo;  // result labels -> full alert labels
    std::vector<Instance> instances;
    std::vector<std::uint32_t> slot;    // full labels -> instance index
  };
  struct RecordRule {
    std::vector<SeriesId> out_memo;     // result labels -> output series
    std::vector<SeriesId> outputs, next;
  };

  SeriesRegistry& registry;
  Engine* engine = nullptr;
  std::vector<RuleDef> rules;
  expr::ProgramSet programs;
  std::vector<std::uint32_t> expr_program, resolve_program;  // by rule
  std::vector<std::size_t> program_rule;                     // by program
  std::vector<std::size_t> order, position;                  // evaluation order; rule -> position
  std::vector<std::size_t> time_dependent;                   // positions
  std::vector<std::vector<std::uint32_t>> readers;           // by series: positions reading it
  std::vector<History> histories;                            // by series
  std::vector<std::uint8_t> dirty;                           // by position
  std::vector<std::uint64_t> evaluated_gen;                  // by position
  std::vector<std::uint64_t> evaluations;                    // by rule
  std::vector<AlertRule> alert_rules;                        // by rule
  std::vector<RecordRule> record_rules;                      // by rule
  std::vector<std::uint64_t> series_stamp;                   // by series
  std::uint64_t gen = 0;                                     // one per pass and per evaluation
  std::vector<expr::SelectorMatch> matches;
  std::size_t changed_cursor = 0;
  std::vector<SeriesId> orphans;  // a previous rule set's outputs, retired at the first update unless written
  bool free_unkept = false;       // adopted histories no selector claims are freed at the first sync
  std::vector<AlertTransition> transitions;
  std::vector<alerts::AlertInstance> dirty_out;
  RuleCounters counters;
  TimeNs now = 0;

  explicit Impl(SeriesRegistry& r) : registry(r) {}

  // --- SeriesCatalog over the engine and the history ---
  // The series the engine has state for: the registry may hold more (interned by a connector, no
  // event yet), but those have no value to read, and asking the engine takes no lock per event.
  std::size_t series_count() const override { return engine->states().size(); }
  const SeriesInfo& info(SeriesId id) const override { return registry.info(id); }
  bool current(SeriesId id, double& value) const override { return engine->fresh_value(id, value); }
  bool changed_at(SeriesId id, TimeNs& at) const override {
    const SeriesState* s = engine->state(id);
    if (s == nullptr || !s->has_value) return false;
    at = s->changed_at_ns;
    return true;
  }
  bool value_at(SeriesId id, TimeNs at, double& value) const override {
    if (id < histories.size() && histories[id].keep_ns > 0) return histories[id].value_at(at, value);
    const SeriesState* s = engine->state(id);
    if (s == nullptr || !s->has_value || s->changed_at_ns > at) return false;
    value = s->value;
    return true;
  }
  expr::HistoryView history_of(SeriesId id) const {
    if (id >= histories.size()) return {};
    return histories[id].view();
  }
  expr::HistoryView history(SeriesId id) const override { return history_of(id); }

  // --- dependency graph ---
  void sync() {
    matches.clear();
    programs.sync(*this, &matches);
    if (matches.empty()) return;
    const std::size_t count = series_count();
    if (readers.size() < count) readers.resize(count);
    if (histories.size() < count) histories.resize(count);
    if (series_stamp.size() < count) series_stamp.resize(count, 0);
    for (const expr::SelectorMatch& m : matches) {
      const auto pos = static_cast<std::uint32_t>(position[program_rule[m.program]]);
      auto& list = readers[m.series];
      if (std::find(list.begin(), list.end(), pos) == list.end()) list.push_back(pos);
      History& h = histories[m.series];
      if (m.history_ns > h.keep_ns) {
        const bool seed = h.keep_ns == 0 && h.empty();
        h.keep_ns = m.history_ns;
        // The value in force when the rule first sees the series, at the time it took it.
        const SeriesState* s = engine->state(m.series);
        if (seed && s != nullptr && s->has_value && !s->stale) h.push(s->changed_at_ns, s->value);
      }
    }
  }

  // A series changed: record it in its history (if kept) and mark its readers.
  void changed_now(SeriesId id) {
    if (id >= readers.size()) return;  // nobody reads it
    if (histories[id].keep_ns > 0) {
      double v;
      if (engine->fresh_value(id, v)) {
        histories[id].push(now, v);
      } else {
        histories[id].push_gap(now);  // stale or gone: windows and offset stop seeing the old value
      }
    }
    for (std::uint32_t pos : readers[id]) dirty[pos] = 1;
  }

  void drain_changed() {
    const auto changed = engine->changed();
    for (; changed_cursor < changed.size(); ++changed_cursor) changed_now(changed[changed_cursor]);
  }

  // --- evaluation ---
  bool run(std::uint32_t program, expr::ProgramResult& result) {
    const auto e = programs.evaluate(program, now, *this, result);
    counters.window_restarts = programs.window_restarts();
    if (e) {
      ++counters.evaluation_failures;
      return false;
    }
    return true;
  }

  void evaluate(std::size_t pos) {
    const std::size_t r = order[pos];
    const std::uint64_t started = gen;
    ++evaluations[r];
    ++counters.evaluations;
    expr::ProgramResult result;
    bool ok = run(expr_program[r], result);
    if (ok && rules[r].limit > 0 && !result.scalar && result.samples.size() > rules[r].limit) {
      // As Prometheus' group `limit`: a result over it is an error, and nothing of it is used.
      ++counters.evaluation_failures;
      ok = false;
    }
    if (rules[r].kind == RuleDef::Kind::kRecord) {
      // A failed evaluation keeps the previous outputs rather than inventing an absence.
      if (ok) record(r, result);
      return;
    }
    // A failed evaluation leaves the last verdict standing: the rule counts as not run, so the tick
    // still steps its instances and their timers (for, keep_firing_for, repeat) keep running.
    if (!ok) return;
    evaluated_gen[pos] = started;
    alert(r, result);
  }

  void record(std::size_t r, const expr::ProgramResult& result) {
    RecordRule& rr = record_rules[r];
    const RuleDef& rule = rules[r];
    ++gen;
    rr.next.clear();
    auto output = [&](LabelSetId labels) {
      if (rr.out_memo.size() <= labels) rr.out_memo.resize(programs.labels().size(), kNoSeries);
      SeriesId& id = rr.out_memo[labels];
      if (id == kNoSeries) id = registry.intern(rule.name, merge_labels(programs.labels().get(labels), rule.labels));
      if (series_stamp.size() <= id) series_stamp.resize(id + 1, 0);
      return id;
    };
    // Every output series first: two results that the rule's labels make one series are an error
    // (as in PromQL), and the previous outputs stay.
    const std::size_t n = result.scalar ? 1 : result.samples.size();
    for (std::size_t i = 0; i < n; ++i) {
      const SeriesId id = output(result.scalar ? 0 : result.samples[i].labels);
      if (series_stamp[id] == gen) {
        ++counters.evaluation_failures;
        return;
      }
      series_stamp[id] = gen;
      rr.next.push_back(id);
    }
    for (std::size_t i = 0; i < n; ++i) {
      // The engine lists a changed series once per pass: a second write in the same pass (two rules
      // recording one series) must reach the history and the readers on its own.
      if (engine->set_rule_output(rr.next[i], true, result.scalar ? result.value : result.samples[i].value)) {
        changed_now(rr.next[i]);
      }
    }
    for (SeriesId id : rr.outputs) {
      if (series_stamp[id] != gen && engine->set_rule_output(id, false, 0.0)) changed_now(id);
    }
    std::swap(rr.outputs, rr.next);
    // New output series may have readers; their changes feed later rules in this pass.
    sync();
    drain_changed();
  }

  std::uint32_t instance_for(std::size_t r, LabelSetId full) {
    AlertRule& ar = alert_rules[r];
    if (ar.slot.size() <= full) ar.slot.resize(programs.labels().size(), kNone);
    std::uint32_t& slot = ar.slot[full];
    if (slot == kNone) {
      Instance inst;
      inst.full = full;
      inst.a.labels = programs.labels().get(full);
      inst.a.fingerprint = alerts::fingerprint(inst.a.labels);
      slot = static_cast<std::uint32_t>(ar.instances.size());
      ar.instances.push_back(std::move(inst));
    }
    return slot;
  }

  LabelSetId full_labels(std::size_t r, LabelSetId labels) {
    AlertRule& ar = alert_rules[r];
    if (ar.full_memo.size() <= labels) ar.full_memo.resize(programs.labels().size(), kNone);
    if (ar.full_memo[labels] == kNone) {
      Labels extra = rules[r].labels;
      extra.erase(std::remove_if(extra.begin(), extra.end(), [](const auto& kv) { return kv.first == "alertname"; }),
                  extra.end());
      extra.emplace_back("alertname", rules[r].name);
      std::sort(extra.begin(), extra.end());
      const LabelSetId full = programs.labels().intern(merge_labels(programs.labels().get(labels), extra));
      // Interning may have grown the pool past the memo; index it afresh.
      if (ar.full_memo.size() <= labels) ar.full_memo.resize(programs.labels().size(), kNone);
      ar.full_memo[labels] = full;
    }
    return ar.full_memo[labels];
  }

  void alert(std::size_t r, const expr::ProgramResult& result) {
    AlertRule& ar = alert_rules[r];
    ++gen;
    for (const expr::CompiledSample& s : result.samples) {
      const std::uint32_t i = instance_for(r, full_labels(r, s.labels));
      ar.instances[i].seen = gen;
      ar.instances[i].a.value = s.value;
    }
    const bool has_resolve = resolve_program[r] != kNone;
    if (has_resolve) {
      expr::ProgramResult resolved;
      if (run(resolve_program[r], resolved)) {
        for (const expr::CompiledSample& s : resolved.samples) {
          const LabelSetId full = full_labels(r, s.labels);
          if (full < ar.slot.size() && ar.slot[full] != kNone) ar.instances[ar.slot[full]].resolve_seen = gen;
        }
      } else {
        // Without a verdict on resolution, nothing resolves.
        for (Instance& inst : ar.instances) inst.resolve_seen = 0;
      }
    }
    for (Instance& inst : ar.instances) {
      const bool held = inst.holds;
      inst.holds = inst.seen == gen;
      // Events, not scrapes: the condition held right up to this instant (keep_firing_for counts
      // from here). Saved, so a restart counts from here too.
      if (held && !inst.holds) {
        inst.a.last_true_ns = now;
        if (inst.a.state == alerts::AlertState::kFiring) dirty_out.push_back(inst.a);
      }
      inst.resolve_holds = has_resolve ? inst.resolve_seen == gen : !inst.holds;
      step(r, inst);
    }
    sweep(r);
  }

  void step(std::size_t r, Instance& inst) {
    if (inst.restored_until_ns > 0) {
      if (inst.holds || inst.restored_until_ns <= now) {
        inst.restored_until_ns = 0;  // confirmed, or the grace is over: normal rules from here
      } else if (inst.a.state != alerts::AlertState::kInactive) {
        return;  // restored moments ago: its inputs may not be back yet
      }
    }
    const alerts::AlertInstance before = inst.a;
    const auto n = alerts::step(inst.a, rules[r].timing, inst.holds, inst.resolve_holds, inst.a.value, now);
    if (n) {
      ++counters.transitions;
      AlertTransition t{n->kind, inst.a, {}};
      for (const auto& [k, text] : rules[r].annotations) {
        t.annotations.emplace_back(k, alerts::expand_template(text, inst.a.labels, inst.a.value));
      }
      transitions.push_back(std::move(t));
    }
    if (before.state != inst.a.state || before.active_at_ns != inst.a.active_at_ns ||
        before.fired_at_ns != inst.a.fired_at_ns || before.last_sent_ns != inst.a.last_sent_ns ||
        before.resolved_at_ns != inst.a.resolved_at_ns) {
      dirty_out.push_back(inst.a);
    }
  }

  // Drops instances that are over (inactive and not holding).
  void sweep(std::size_t r) {
    AlertRule& ar = alert_rules[r];
    for (std::size_t i = 0; i < ar.instances.size();) {
      Instance& inst = ar.instances[i];
      if (inst.a.state != alerts::AlertState::kInactive || inst.holds) {
        ++i;
        continue;
      }
      ar.slot[inst.full] = kNone;
      if (i + 1 != ar.instances.size()) {
        inst = std::move(ar.instances.back());
        ar.slot[inst.full] = static_cast<std::uint32_t>(i);
      }
      ar.instances.pop_back();
    }
  }

  // While a restored instance waits for its inputs, the end of the grace is its only deadline.
  std::optional<TimeNs> deadline(std::size_t r, const Instance& inst) const {
    if (inst.restored_until_ns > 0) return inst.restored_until_ns;
    return alerts::next_deadline(inst.a, rules[r].timing);
  }

  bool due(std::size_t r, const Instance& inst) const {
    const auto d = deadline(r, inst);
    return d && *d <= now;
  }
};

RuleRuntime::RuleRuntime(std::vector<RuleDef> rules, SeriesRegistry& registry)
    : impl_(std::make_unique<Impl>(registry)) {
  Impl& m = *impl_;
  if (auto problems = check_rules(rules); !problems.empty()) {
    throw std::invalid_argument("rule " + rules[problems.front().rule].name + ": " + problems.front().message);
  }
  m.rules = std::move(rules);
  const std::size_t n = m.rules.size();
  std::vector<std::size_t> cycle;
  m.order = evaluation_order(m.rules, cycle);
  m.position.assign(n, 0);
  for (std::size_t p = 0; p < n; ++p) m.position[m.order[p]] = p;
  m.expr_program.assign(n, kNone);
  m.resolve_program.assign(n, kNone);
  auto compile = [&](const std::shared_ptr<const expr::Node>& e, std::size_t rule) {
    auto added = m.programs.add(e);
    if (auto* err = std::get_if<expr::EvalError>(&added)) throw std::invalid_argument(err->message);
    const auto id = std::get<std::uint32_t>(added);
    m.program_rule.push_back(rule);
    return id;
  };
  for (std::size_t r = 0; r < n; ++r) {
    m.expr_program[r] = compile(m.rules[r].expr, r);
    if (m.rules[r].resolve) m.resolve_program[r] = compile(m.rules[r].resolve, r);
    const bool timed = m.programs.time_dependent(m.expr_program[r]) ||
                       (m.resolve_program[r] != kNone && m.programs.time_dependent(m.resolve_program[r]));
    if (timed) m.time_dependent.push_back(m.position[r]);
  }
  std::sort(m.time_dependent.begin(), m.time_dependent.end());
  // Every rule runs once at the first update, so rules over values that never change still answer.
  m.dirty.assign(n, 1);
  m.evaluated_gen.assign(n, 0);
  m.evaluations.assign(n, 0);
  m.alert_rules.resize(n);
  m.record_rules.resize(n);
}

RuleRuntime::~RuleRuntime() = default;

std::vector<alerts::AlertInstance> RuleRuntime::restore(const std::vector<alerts::AlertInstance>& instances,
                                                       TimeNs now, TimeNs grace_ns) {
  Impl& m = *impl_;
  std::vector<alerts::AlertInstance> unclaimed;
  for (const alerts::AlertInstance& saved : instances) {
    if (saved.state == alerts::AlertState::kInactive) continue;
    bool claimed = false;
    const std::string_view name = label_of(saved.labels, "alertname");
    for (std::size_t r = 0; r < m.rules.size(); ++r) {
      const RuleDef& rule = m.rules[r];
      if (rule.kind != RuleDef::Kind::kAlert || rule.name != name) continue;
      const bool carries = std::all_of(rule.labels.begin(), rule.labels.end(), [&](const auto& kv) {
        return kv.first == "alertname" || label_of(saved.labels, kv.first) == kv.second;
      });
      if (!carries) continue;
      const std::uint32_t i = m.instance_for(r, m.programs.labels().intern(saved.labels));
      Impl::Instance& inst = m.alert_rules[r].instances[i];
      inst.a = saved;
      inst.a.fingerprint = alerts::fingerprint(inst.a.labels);
      inst.holds = false;
      if (__builtin_add_overflow(now, grace_ns, &inst.restored_until_ns)) {
        inst.restored_until_ns = std::numeric_limits<TimeNs>::max();
      }
      claimed = true;
      break;
    }
    if (!claimed) unclaimed.push_back(saved);
  }
  return unclaimed;
}

void RuleRuntime::update(Engine& engine, bool tick) {
  Impl& m = *impl_;
  if (m.rules.empty() && m.orphans.empty()) {  // nothing reads the changes, nothing to retire
    engine.clear_changed();
    return;
  }
  m.engine = &engine;
  m.now = engine.now();
  ++m.gen;
  const std::uint64_t pass = m.gen;
  m.changed_cursor = 0;
  m.sync();
  if (m.free_unkept) {
    for (auto& h : m.histories) {
      if (h.keep_ns == 0) h = History{};
    }
    m.free_unkept = false;
  }
  m.drain_changed();
  if (tick) {
    for (std::size_t pos : m.time_dependent) m.dirty[pos] = 1;
  }
  for (std::size_t pos = 0; pos < m.order.size(); ++pos) {
    if (m.dirty[pos] == 0) continue;
    m.dirty[pos] = 0;
    m.evaluate(pos);
  }
  if (!m.orphans.empty()) {
    // Outputs of the previous rule set that no rule wrote in this first pass are gone.
    for (SeriesId id : m.orphans) {
      if (id < m.series_stamp.size() && m.series_stamp[id] > pass) continue;
      if (engine.set_rule_output(id, false, 0.0)) m.changed_now(id);
    }
    m.orphans.clear();
    for (std::size_t pos = 0; pos < m.order.size(); ++pos) {  // their readers, if any
      if (m.dirty[pos] == 0) continue;
      m.dirty[pos] = 0;
      m.evaluate(pos);
    }
  }
  if (tick) {
    // Alerts whose rule did not run: timers (for, keep_firing_for, repeat, restore grace) still expire.
    for (std::size_t pos = 0; pos < m.order.size(); ++pos) {
      const std::size_t r = m.order[pos];
      if (m.rules[r].kind != RuleDef::Kind::kAlert || m.evaluated_gen[pos] >= pass) continue;
      bool any = false;
      for (Impl::Instance& inst : m.alert_rules[r].instances) {
        if (!m.due(r, inst)) continue;
        m.step(r, inst);
        any = true;
      }
      if (any) m.sweep(r);
    }
  }
  engine.clear_changed();
  m.changed_cursor = 0;
  m.engine = nullptr;
}

void RuleRuntime::adopt(RuleRuntime& previous) {
  Impl& m = *impl_;
  Impl& p = *previous.impl_;
  m.histories = std::move(p.histories);
  p.histories.clear();
  // Kept only where this rule set's selectors ask for it (sync raises keep_ns again); the rest
  // is freed at the first sync.
  for (auto& h : m.histories) h.keep_ns = 0;
  m.free_unkept = true;
  // A recording rule that is still there takes over its outputs (if its first evaluation fails,
  // they stay, as after any failed evaluation); the outputs of rules that are gone are orphans.
  for (std::size_t old = 0; old < p.rules.size(); ++old) {
    if (p.rules[old].kind != RuleDef::Kind::kRecord) continue;
    auto& outputs = p.record_rules[old].outputs;
    std::size_t heir = m.rules.size();
    for (std::size_t r = 0; r < m.rules.size() && heir == m.rules.size(); ++r) {
      if (m.rules[r].kind == RuleDef::Kind::kRecord && m.rules[r].name == p.rules[old].name) heir = r;
    }
    auto& into = heir < m.rules.size() ? m.record_rules[heir].outputs : m.orphans;
    into.insert(into.end(), outputs.begin(), outputs.end());
  }
}

std::vector<AlertTransition> RuleRuntime::take_transitions() { return std::exchange(impl_->transitions, {}); }

std::vector<alerts::AlertInstance> RuleRuntime::take_dirty() { return std::exchange(impl_->dirty_out, {}); }

std::vector<AlertView> RuleRuntime::alerts() const {
  const Impl& m = *impl_;
  std::vector<AlertView> out;
  for (std::size_t r = 0; r < m.rules.size(); ++r) {
    for (const Impl::Instance& inst : m.alert_rules[r].instances) {
      if (inst.a.state == alerts::AlertState::kInactive) continue;
      AlertView v{m.rules[r].name, inst.a, {}};
      for (const auto& [k, text] : m.rules[r].annotations) {
        v.annotations.emplace_back(k, alerts::expand_template(text, inst.a.labels, inst.a.value));
      }
      out.push_back(std::move(v));
    }
  }
  return out;
}

std::vector<alerts::AlertInstance> RuleRuntime::export_state() const {
  std::vector<alerts::AlertInstance> out;
  for (const auto& ar : impl_->alert_rules) {
    for (const auto& inst : ar.instances) {
      if (inst.a.state == alerts::AlertState::kInactive) continue;
      out.push_back(inst.a);
      // A condition that holds has held right up to now, whenever it was last evaluated.
      if (inst.holds) out.back().last_true_ns = std::max(out.back().last_true_ns, impl_->now);
    }
  }
  return out;
}

std::optional<TimeNs> RuleRuntime::next_deadline() const {
  const Impl& m = *impl_;
  std::optional<TimeNs> next;
  for (std::size_t r = 0; r < m.rules.size(); ++r) {
    for (const Impl::Instance& inst : m.alert_rules[r].instances) {
      const auto d = m.deadline(r, inst);
      if (d && (!next || *d < *next)) next = d;
    }
  }
  return next;
}

const std::vector<RuleDef>& RuleRuntime::rules() const { return impl_->rules; }
const RuleCounters& RuleRuntime::counters() const { return impl_->counters; }
std::uint64_t RuleRuntime::evaluations(std::size_t rule) const { return impl_->evaluations[rule]; }
TimeNs RuleRuntime::history_kept_ns(SeriesId id) const {
  return id < impl_->histories.size() ? impl_->histories[id].keep_ns : 0;
}

}  // namespace hashwatch::rules
