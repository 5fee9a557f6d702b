// Parses rule expressions: selectors with label matchers, range windows and offsets, numbers,
// arithmetic (+ - * / % ^), comparisons (filtering, or `bool`), and/or/unless, on()/ignoring(),
// sum/min/max/avg/count with `by`, and function calls. Errors carry the offset of the problem.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "rules/expr/ast.h"

namespace hashwatch::rules::expr {

struct ParseError {
  std::size_t pos = 0;  // offset into the expression text
  std::string message;
};

// The functions the language knows and how many arguments each takes.
struct FunctionInfo {
  std::string_view name;
  int min_args, max_args;
  bool takes_range;  // the first argument must be a range selector (x[5m])
};
const FunctionInfo* find_function(std::string_view name);

std::variant<NodePtr, ParseError> parse(std::string_view text);

// "expr:1:14: message\n  <line>\n  ^" style pointer for a position in a (possibly multi-line) text.
std::string caret_line(std::string_view text, std::size_t pos);

}  // namespace hashwatch::rules::expr
