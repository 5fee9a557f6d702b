// A label-matcher regular expression, compiled once when the expression is parsed. RE2, as in
// PromQL: the same syntax, no backreferences, and matching in time linear in the label value (a
// backtracking engine such as std::regex can take exponential time on a nested repetition, which
// would stall the engine thread). Kept out of ast.h so users of the syntax tree do not pull in RE2.
#pragma once

#include <re2/re2.h>

#include <string>
#include <string_view>

namespace hashwatch::rules::expr {

struct CompiledRegex {
  explicit CompiledRegex(std::string_view pattern) : re(re2::StringPiece(pattern.data(), pattern.size()), options()) {}
  // Anchored at both ends, as PromQL's matchers are.
  bool full_match(std::string_view value) const {
    return re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), re);
  }
  bool ok() const { return re.ok(); }
  const std::string& error() const { return re.error(); }

  re2::RE2 re;

 private:
  static re2::RE2::Options options() {
    re2::RE2::Options o;
    o.set_log_errors(false);  // errors are reported with their position, not on stderr
    return o;
  }
};

}  // namespace hashwatch::rules::expr
