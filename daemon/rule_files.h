// Rule files in Prometheus' format — groups of recording (`record`) and alerting (`alert`) rules
// with `expr`, `for`, `keep_firing_for`, `labels`, `annotations` — plus hashwatch's per-alert
// `repeat_interval` and `resolve_expr`. Every expression is parsed at load; errors carry
// file:line:col of the offending character, with the line and a caret.
#pragma once

#include <string>
#include <vector>

#include "daemon/config.h"
#include "rules/expr/ast.h"
#include "rules/rule_runtime.h"
#include "rules/series_registry.h"

namespace hashwatch::daemon {

struct RuleSpec {
  enum class Kind { kRecord, kAlert } kind = Kind::kAlert;
  std::string name;  // record: the series it writes; alert: alertname
  std::string expr_text;
  std::shared_ptr<const rules::expr::Node> expr;
  std::shared_ptr<const rules::expr::Node> resolve;  // hysteresis: resolve only when this holds
  TimeNs for_ns = 0, keep_firing_for_ns = 0, repeat_interval_ns = 0;
  rules::Labels labels;
  std::vector<std::pair<std::string, std::string>> annotations;
  std::string file;
  int line = 0, column = 0;
};

struct RuleGroup {
  std::string name;
  std::uint32_t limit = 0;  // Prometheus' `limit`: most series a rule may produce (0: no limit)
  std::vector<RuleSpec> rules;
};

struct RuleFiles {
  std::vector<RuleGroup> groups;
  std::vector<ConfigError> errors;
};

RuleFiles load_rule_string(std::string_view yaml, const std::string& name);
RuleFiles load_rule_file(const std::string& path);
// The rules as the engine runs them, in file and group order.
std::vector<rules::RuleDef> rule_defs(const std::vector<RuleGroup>& groups);
// Expands the patterns (glob; relative to `base_dir`) and loads every file, in name order.
RuleFiles load_rule_files(const std::vector<std::string>& patterns, const std::string& base_dir);

}  // namespace hashwatch::daemon
