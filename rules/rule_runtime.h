// Recording and alerting rules evaluated inside the engine, per event. Pure and deterministic like
// the engine: no I/O, no clock; time is the engine's.
//
// - Every rule compiles once into a program (rules/expr/program.h). The dependency graph maps each
//   series to the rules whose selectors match it; an update re-evaluates only those rules, in an
//   order where a recording rule runs before every rule that reads what it records. Rules whose
//   value moves with time alone (age(), time(), windows, offset) also run on clock ticks.
// - History is kept only for series a window or offset reads, and only as far back as the longest
//   such selector reaches ("windows sized from the rules"). A point is recorded when the value
//   changes: windows see the series as a step function of its changes.
// - Recording outputs are engine series (name = `record`, labels = result labels + rule labels):
//   exported, readable by later rules, absent when the expression stops returning them.
// - Alerts follow rules/alerts/alert.h. Their state is handed out as records to persist whenever a
//   timer-relevant field changes, and restored after a restart; a restored alert is not reset or
//   resolved merely because its inputs have not arrived yet (for a grace period).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/alerts/alert.h"
#include "rules/engine.h"
#include "rules/expr/ast.h"
#include "rules/series_registry.h"

namespace hashwatch::rules {

struct RuleDef {
  enum class Kind : std::uint8_t { kRecord, kAlert } kind = Kind::kAlert;
  std::string group;
  std::string name;  // record: the series it writes; alert: alertname
  std::string expr_text;
  std::shared_ptr<const expr::Node> expr;
  std::shared_ptr<const expr::Node> resolve;  // hysteresis: resolve only when this holds
  alerts::AlertTiming timing;
  Labels labels;  // sorted
  std::vector<std::pair<std::string, std::string>> annotations;
  std::uint32_t limit = 0;  // most series (record) or alerts (alert) one evaluation may give; 0: any
  std::string file;  // where it was written, for messages
  int line = 0, column = 0;
};

// A rule set's problem found before running it: a static type error in an expression, or a cycle of
// recording rules. `resolve` says the position is in resolve_expr rather than expr.
struct RuleProblem {
  std::size_t rule = 0;
  bool resolve = false;
  std::size_t pos = 0;
  std::string message;
};
std::vector<RuleProblem> check_rules(const std::vector<RuleDef>& rules);

// A notification to deliver: the alert as it is after the transition, annotations expanded.
struct AlertTransition {
  alerts::Notification::Kind kind;
  alerts::AlertInstance alert;
  std::vector<std::pair<std::string, std::string>> annotations;
};

// An alert's state as it is shown (API, metrics).
struct AlertView {
  std::string rule;  // alertname
  alerts::AlertInstance alert;
  std::vector<std::pair<std::string, std::string>> annotations;
};

struct RuleCounters {
  std::uint64_t evaluations = 0;
  std::uint64_t evaluation_failures = 0;  // runtime errors (e.g. a many-to-one match)
  std::uint64_t transitions = 0;
  std::uint64_t window_restarts = 0;  // windows rebuilt from scratch (see ProgramSet)
};

class RuleRuntime {
 public:
  // `rules` must have passed check_rules(); throws std::invalid_argument otherwise.
  RuleRuntime(std::vector<RuleDef> rules, SeriesRegistry& registry);
  ~RuleRuntime();
  RuleRuntime(const RuleRuntime&) = delete;
  RuleRuntime& operator=(const RuleRuntime&) = delete;

  // Alert state saved before a restart (or kept across a reload). Each instance goes to the alert
  // rule of its alertname whose labels it carries; for `grace_ns` it is not reset or resolved for
  // want of inputs. Returns the instances no rule claims (to delete). Call before the first update().
  std::vector<alerts::AlertInstance> restore(const std::vector<alerts::AlertInstance>& instances, TimeNs now,
                                             TimeNs grace_ns);

  // After a reload: takes over the previous rule set's history (windows keep what they saw) and
  // retires its recording outputs that this rule set does not produce at its first update. Call
  // before the first update(), with `previous` over the same engine and registry.
  void adopt(RuleRuntime& previous);

  // Consumes the engine's changed series: records history, re-evaluates the rules that read them
  // (and, with `tick`, every time-dependent rule and due alert timer), writes recording outputs
  // back into the engine, and steps alerts. Transitions and state to persist accumulate until taken.
  void update(Engine& engine, bool tick);

  std::vector<AlertTransition> take_transitions();
  // Alert instances whose persisted fields changed since the last call; state kInactive means
  // "delete". The daemon writes them, with the transitions, in one batch.
  std::vector<alerts::AlertInstance> take_dirty();
  // Every live alert instance (pending or firing), in rule order.
  std::vector<AlertView> alerts() const;
  // Every instance's state, for carrying alerts over to a reloaded rule set.
  std::vector<alerts::AlertInstance> export_state() const;

  // The earliest instant an alert timer (for, keep_firing_for, repeat, restore grace) is due.
  std::optional<TimeNs> next_deadline() const;

  const std::vector<RuleDef>& rules() const;
  const RuleCounters& counters() const;
  // How often each rule has been evaluated (tests: the dependency graph).
  std::uint64_t evaluations(std::size_t rule) const;
  // How far back history is kept for a series (0: none).
  TimeNs history_kept_ns(SeriesId id) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hashwatch::rules
