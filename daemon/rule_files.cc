#include "daemon/rule_files.h"

#include <glob.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "rules/expr/parser.h"
#include "rules/expr/program.h"

namespace hashwatch::daemon {

namespace {

bool valid_name(const std::string& s, bool allow_colon) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (allow_colon && c == ':');
  });
}

class RuleLoader {
 public:
  RuleLoader(std::string file, std::string_view source) : file_(std::move(file)), source_(source) {}
  RuleFiles result;

  void error(const YAML::Mark& mark, const std::string& message, const std::string& detail = "") {
    result.errors.push_back(ConfigError{file_, mark.is_null() ? 0 : mark.line + 1,
                                        mark.is_null() ? 0 : mark.column + 1,
                                        detail.empty() ? message : message + "\n" + detail});
  }

  // Line and column of character `offset` of an expression scalar that starts at `mark`.
  std::pair<int, int> position(const YAML::Mark& mark, const std::string& expr, std::size_t offset) const {
    int line = mark.line + 1, col = mark.column + 1;
    int line_start_col = mark.column + 1;  // where a continuation line of the text starts
    std::size_t pos = static_cast<std::size_t>(mark.pos);
    if (pos < source_.size() && (source_[pos] == '"' || source_[pos] == '\'')) {
      ++col;  // inside the quotes (escapes before the error are not counted)
    } else if (pos < source_.size() && (source_[pos] == '|' || source_[pos] == '>')) {
      // A block scalar: the text starts on the next line, at its indentation.
      const auto next = source_.find('\n', pos);
      if (next != std::string_view::npos) {
        std::size_t indent = 0;
        while (next + 1 + indent < source_.size() && source_[next + 1 + indent] == ' ') ++indent;
        ++line;
        col = static_cast<int>(indent) + 1;
        line_start_col = col;
      }
    }
    for (std::size_t i = 0; i < offset && i < expr.size(); ++i) {
      if (expr[i] == '\n') {
        ++line;
        col = line_start_col;
      } else {
        ++col;
      }
    }
    return {line, col};
  }

  std::shared_ptr<const rules::expr::Node> expression(const YAML::Node& node, const std::string& what,
                                                      const std::string& rule) {
    if (!node.IsScalar()) {
      error(node.Mark(), rule + ": " + what + " must be a string");
      return nullptr;
    }
    const std::string text = node.Scalar();
    auto parsed = rules::expr::parse(text);
    if (auto* e = std::get_if<rules::expr::ParseError>(&parsed)) {
      const auto [line, col] = position(node.Mark(), text, e->pos);
      result.errors.push_back(ConfigError{file_, line, col, rule + ": " + what + ": " + e->message + "\n" +
                                                                rules::expr::caret_line(text, e->pos)});
      return nullptr;
    }
    std::shared_ptr<const rules::expr::Node> tree(std::move(std::get<rules::expr::NodePtr>(parsed)));
    bool scalar = false;
    if (auto e = rules::expr::check_types(*tree, &scalar)) {
      const auto [line, col] = position(node.Mark(), text, e->pos);
      result.errors.push_back(ConfigError{file_, line, col, rule + ": " + what + ": " + e->message + "\n" +
                                                                rules::expr::caret_line(text, e->pos)});
      return nullptr;
    }
    if (scalar && rule.rfind("alert ", 0) == 0) {
      error(node.Mark(), rule + ": " + what + " must return series (compare series, not numbers)");
      return nullptr;
    }
    return tree;
  }

  TimeNs duration(const YAML::Node& node, const std::string& what) {
    auto d = node.IsScalar() ? parse_duration(node.Scalar()) : std::nullopt;
    if (!d) {
      error(node.Mark(), what + ": \"" + (node.IsScalar() ? node.Scalar() : "") + "\" is not a duration (e.g. 10m)");
      return 0;
    }
    return *d;
  }

  void keys(const YAML::Node& map, const std::string& where, std::initializer_list<std::string_view> known) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (std::find(known.begin(), known.end(), k) == known.end()) error(it->first.Mark(), where + ": unknown key \"" + k + "\"");
    }
  }

  void load(const YAML::Node& root) {
    if (!root || root.IsNull()) return;  // an empty file holds no rules
    if (!root.IsMap() || !root["groups"] || !root["groups"].IsSequence()) {
      error(root.Mark(), "a rule file is a mapping with a list under \"groups\"");
      return;
    }
    keys(root, "top level", {"groups"});
    std::set<std::string> group_names;
    for (const YAML::Node& g : root["groups"]) {
      RuleGroup group;
      if (!g.IsMap() || !g["name"] || !g["name"].IsScalar()) {
        error(g.Mark(), "a group needs a name");
        continue;
      }
      group.name = g["name"].Scalar();
      if (!group_names.insert(group.name).second) error(g["name"].Mark(), "duplicate group \"" + group.name + "\"");
      // `interval` is accepted for compatibility with Prometheus' files and has no effect: rules
      // run on every change of what they read (docs/rules.md).
      keys(g, "group " + group.name, {"name", "rules", "interval", "limit"});
      if (auto lim = g["limit"]) {
        std::uint32_t n = 0;
        const std::string text = lim.IsScalar() ? lim.Scalar() : "";
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
          error(lim.Mark(), "group " + group.name + ": limit must be a whole number (0: no limit)");
        } else {
          group.limit = n;
        }
      }
      if (!g["rules"] || !g["rules"].IsSequence()) {
        error(g.Mark(), "group " + group.name + ": expected a list under \"rules\"");
        continue;
      }
      for (const YAML::Node& r : g["rules"]) {
        RuleSpec rule;
        rule.file = file_;
        rule.line = r.Mark().line + 1;
        rule.column = r.Mark().column + 1;
        if (!r.IsMap()) {
          error(r.Mark(), "group " + group.name + ": a rule is a mapping");
          continue;
        }
        const bool record = static_cast<bool>(r["record"]), alert = static_cast<bool>(r["alert"]);
        if (record == alert) {
          error(r.Mark(), "group " + group.name + ": a rule has either \"record\" or \"alert\"");
          continue;
        }
        rule.kind = record ? RuleSpec::Kind::kRecord : RuleSpec::Kind::kAlert;
        const YAML::Node name = record ? r["record"] : r["alert"];
        rule.name = name.IsScalar() ? name.Scalar() : "";
        const std::string label = (record ? "record " : "alert ") + rule.name;
        if (!valid_name(rule.name, record)) error(name.Mark(), label + ": not a valid " + (record ? "series" : "alert") + " name");
        if (record) {
          keys(r, label, {"record", "expr", "labels"});
        } else {
          keys(r, label, {"alert", "expr", "for", "keep_firing_for", "labels", "annotations", "repeat_interval", "resolve_expr"});
        }
        if (!r["expr"]) {
          error(r.Mark(), label + ": missing \"expr\"");
        } else {
          rule.expr_text = r["expr"].IsScalar() ? r["expr"].Scalar() : "";
          rule.expr = expression(r["expr"], "expr", label);
        }
        if (r["resolve_expr"]) rule.resolve = expression(r["resolve_expr"], "resolve_expr", label);
        if (r["for"]) rule.for_ns = duration(r["for"], label + ": for");
        if (r["keep_firing_for"]) rule.keep_firing_for_ns = duration(r["keep_firing_for"], label + ": keep_firing_for");
        if (r["repeat_interval"]) rule.repeat_interval_ns = duration(r["repeat_interval"], label + ": repeat_interval");
        for (const char* section : {"labels", "annotations"}) {
          const YAML::Node m = r[section];
          if (!m) continue;
          if (!m.IsMap()) {
            error(m.Mark(), label + ": " + section + " must be a mapping");
            continue;
          }
          for (auto it = m.begin(); it != m.end(); ++it) {
            const std::string k = it->first.Scalar();
            if (!valid_name(k, false)) error(it->first.Mark(), label + ": \"" + k + "\" is not a valid label name");
            if (!it->second.IsScalar()) {
              error(it->second.Mark(), label + ": " + k + " must be a string");
              continue;
            }
            if (std::string_view(section) == "labels") rule.labels.emplace_back(k, it->second.Scalar());
            else rule.annotations.emplace_back(k, it->second.Scalar());
          }
        }
        std::sort(rule.labels.begin(), rule.labels.end());
        group.rules.push_back(std::move(rule));
      }
      result.groups.push_back(std::move(group));
    }
  }

 private:
  std::string file_;
  std::string_view source_;
};

}  // namespace

std::vector<rules::RuleDef> rule_defs(const std::vector<RuleGroup>& groups) {
  std::vector<rules::RuleDef> out;
  for (const RuleGroup& g : groups) {
    for (const RuleSpec& spec : g.rules) {
      rules::RuleDef d;
      d.kind = spec.kind == RuleSpec::Kind::kRecord ? rules::RuleDef::Kind::kRecord : rules::RuleDef::Kind::kAlert;
      d.group = g.name;
      d.name = spec.name;
      d.expr_text = spec.expr_text;
      d.expr = spec.expr;
      d.resolve = spec.resolve;
      d.timing = rules::alerts::AlertTiming{spec.for_ns, spec.keep_firing_for_ns, spec.repeat_interval_ns};
      d.labels = spec.labels;
      d.annotations = spec.annotations;
      d.limit = g.limit;
      d.file = spec.file;
      d.line = spec.line;
      d.column = spec.column;
      out.push_back(std::move(d));
    }
  }
  return out;
}

namespace {

// Problems only the whole rule set shows (recording rules that read each other in a cycle).
void check_rule_set(RuleFiles& files) {
  if (!files.errors.empty()) return;  // a broken rule is reported already
  const auto defs = rule_defs(files.groups);
  for (const rules::RuleProblem& p : rules::check_rules(defs)) {
    files.errors.push_back(ConfigError{defs[p.rule].file, defs[p.rule].line, defs[p.rule].column,
                                       (defs[p.rule].kind == rules::RuleDef::Kind::kRecord ? "record " : "alert ") +
                                           defs[p.rule].name + ": " + p.message});
  }
}

}  // namespace

RuleFiles load_rule_string(std::string_view yaml, const std::string& name) {
  const std::string text(yaml);
  RuleLoader loader(name, text);
  try {
    loader.load(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    loader.error(e.mark, e.msg);
  }
  check_rule_set(loader.result);
  return std::move(loader.result);
}

RuleFiles load_rule_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    RuleFiles r;
    r.errors.push_back(ConfigError{path, 0, 0, "cannot read rule file"});
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return load_rule_string(ss.str(), path);
}

RuleFiles load_rule_files(const std::vector<std::string>& patterns, const std::string& base_dir) {
  RuleFiles all;
  for (const std::string& pattern : patterns) {
    const std::string full = !pattern.empty() && pattern[0] == '/' ? pattern : base_dir + "/" + pattern;
    glob_t g{};
    const int rc = glob(full.c_str(), 0, nullptr, &g);
    std::vector<std::string> files;
    for (std::size_t i = 0; rc == 0 && i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    globfree(&g);
    if (files.empty() && pattern.find_first_of("*?[") == std::string::npos) {
      all.errors.push_back(ConfigError{full, 0, 0, "cannot read rule file"});
    }
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      RuleFiles one = load_rule_file(f);
      all.errors.insert(all.errors.end(), one.errors.begin(), one.errors.end());
      for (auto& group : one.groups) {
        // A group named like one from an earlier file replaces it where it stood: copy a built-in
        // file's group into your own file to change it, or give it `rules: []` to switch it off.
        auto same = std::find_if(all.groups.begin(), all.groups.end(),
                                 [&](const RuleGroup& earlier) { return earlier.name == group.name; });
        if (same != all.groups.end()) {
          *same = std::move(group);
        } else {
          all.groups.push_back(std::move(group));
        }
      }
    }
  }
  check_rule_set(all);
  return all;
}

}  // namespace hashwatch::daemon
