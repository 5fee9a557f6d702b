// A label-matcher regular expression, compiled once when the expression is parsed. Kept out of
// ast.h so that users of the syntax tree do not all pull in <regex>.
#pragma once

#include <regex>

namespace hashwatch::rules::expr {

struct CompiledRegex {
  std::regex re;
};

}  // namespace hashwatch::rules::expr
