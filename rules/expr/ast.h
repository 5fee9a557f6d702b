// The rule expression language (a PromQL subset) as a syntax tree. Every node keeps the offset of
// its first character in the expression text, so errors can point at file:line:col with a caret.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/time.h"

namespace hashwatch::rules::expr {

enum class MatchOp : std::uint8_t { kEqual, kNotEqual, kRegex, kNotRegex };

struct CompiledRegex;  // rules/expr/regex.h

struct Matcher {
  std::string label;
  MatchOp op = MatchOp::kEqual;
  std::string value;
  std::shared_ptr<const CompiledRegex> regex;  // =~ and !~: compiled by the parser, anchored
};

enum class BinaryOp : std::uint8_t {
  kAdd, kSub, kMul, kDiv, kMod, kPow,
  kEq, kNe, kGt, kLt, kGe, kLe,
  kAnd, kOr, kUnless,
};

enum class AggregateOp : std::uint8_t { kSum, kMin, kMax, kAvg, kCount };

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
  enum class Kind : std::uint8_t { kNumber, kSelector, kCall, kAggregate, kBinary, kNegate };
  Kind kind = Kind::kNumber;
  std::size_t pos = 0;

  double number = 0.0;  // kNumber

  // kSelector: name{matchers}[range] offset d
  std::string metric;
  std::vector<Matcher> matchers;
  std::optional<TimeNs> range_ns;
  TimeNs offset_ns = 0;

  // kCall: function(args); kAggregate: op by (labels) (arg)
  std::string function;
  AggregateOp aggregate = AggregateOp::kSum;
  std::vector<std::string> grouping;  // aggregate `by` labels
  std::vector<NodePtr> args;          // call arguments; aggregate: one; negate: one

  // kBinary
  BinaryOp op = BinaryOp::kAdd;
  bool return_bool = false;              // comparison with `bool`
  std::optional<std::vector<std::string>> on;        // one-to-one matching on these labels
  std::optional<std::vector<std::string>> ignoring;  // or on all labels but these
  NodePtr lhs, rhs;
};

// Canonical text of a tree (for tests and messages): fully parenthesized binary expressions.
std::string to_string(const Node& node);

const char* binary_op_text(BinaryOp op);

}  // namespace hashwatch::rules::expr
