// The arithmetic both evaluators share (eval.cc, the reference, and program.cc, the compiled
// form): one definition, so they cannot drift apart.
#pragma once

#include <cmath>

#include "rules/expr/ast.h"

namespace hashwatch::rules::expr {

inline bool is_comparison(BinaryOp op) {
  return op == BinaryOp::kEq || op == BinaryOp::kNe || op == BinaryOp::kGt || op == BinaryOp::kLt ||
         op == BinaryOp::kGe || op == BinaryOp::kLe;
}

inline bool is_set_op(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

// a op b; a comparison gives 1 or 0.
inline double arithmetic(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return a / b;
    case BinaryOp::kMod: return std::fmod(a, b);
    case BinaryOp::kPow: return std::pow(a, b);
    case BinaryOp::kEq: return a == b;
    case BinaryOp::kNe: return a != b;
    case BinaryOp::kGt: return a > b;
    case BinaryOp::kLt: return a < b;
    case BinaryOp::kGe: return a >= b;
    case BinaryOp::kLe: return a <= b;
    default: return NAN;
  }
}

// A counter's increase from a to b (rate): a drop is a reset, and the new value counts from zero.
inline double counter_increase(double a, double b) { return b - a >= 0 ? b - a : b; }

}  // namespace hashwatch::rules::expr
