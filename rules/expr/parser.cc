#include "rules/expr/parser.h"

#include "rules/duration.h"
#include "rules/expr/regex.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <limits>

namespace hashwatch::rules::expr {

namespace {

// A{n,m} expands into n..m copies of A: RE2 (like Prometheus' engine) caps counts at 1000; saying so
// here gives a clearer message than "bad repetition operator".
constexpr int kMaxRegexRepeat = 1000;

// Two things RE2 rejects, with a message that says why: a repetition count above the cap, or a
// backreference (\1). The message, or empty.
std::string regex_limits(std::string_view re) {
  for (std::size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\') {
      ++i;  // an escaped character, e.g. \{
      if (i < re.size() && std::isdigit(static_cast<unsigned char>(re[i]))) return "has a backreference, which label matchers do not support";
      continue;
    }
    if (re[i] != '{') continue;
    // {n}, {n,} or {n,m}: every number must be at most the cap.
    std::size_t j = i + 1;
    while (j < re.size() && (std::isdigit(static_cast<unsigned char>(re[j])) || re[j] == ',')) {
      std::size_t k = j;
      while (k < re.size() && std::isdigit(static_cast<unsigned char>(re[k]))) ++k;
      if (k - j > 4 || (k > j && std::stoi(std::string(re.substr(j, k - j))) > kMaxRegexRepeat)) {
        return "has a repetition count above " + std::to_string(kMaxRegexRepeat);
      }
      j = k < re.size() && re[k] == ',' ? k + 1 : k;
      if (k == j) break;
    }
  }
  return {};
}


constexpr std::array<FunctionInfo, 13> kFunctions{{
    {"abs", 1, 1, false},
    {"absent", 1, 1, false},
    {"clamp_min", 2, 2, false},
    {"clamp_max", 2, 2, false},
    {"time", 0, 0, false},
    {"age", 1, 1, false},
    {"avg_over_time", 1, 1, true},
    {"min_over_time", 1, 1, true},
    {"max_over_time", 1, 1, true},
    {"sum_over_time", 1, 1, true},
    {"count_over_time", 1, 1, true},
    {"delta", 1, 1, true},
    {"rate", 1, 1, true},
}};

enum class Tok : std::uint8_t {
  kEnd, kIdent, kNumber, kString, kDuration, kLParen, kRParen, kLBrace, kRBrace, kLBracket, kRBracket,
  kComma, kOp, kMatch,
};

struct Token {
  Tok kind = Tok::kEnd;
  std::size_t pos = 0;
  std::string text;
  double number = 0;
  TimeNs duration = 0;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::variant<NodePtr, ParseError> run() {
    advance();
    NodePtr n = expression(0);
    if (failed_) return error_;
    if (tok_.kind != Tok::kEnd) return ParseError{tok_.pos, "unexpected " + describe(tok_) + " after the expression"};
    return n;
  }

 private:
  // ---- lexer ----
  void advance() {
    while (i_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[i_]))) ++i_;
    tok_ = Token{};
    tok_.pos = i_;
    if (i_ >= text_.size()) return;
    const char c = text_[i_];
    auto single = [&](Tok k) {
      tok_.kind = k;
      tok_.text = std::string(1, c);
      ++i_;
    };
    switch (c) {
      case '(': return single(Tok::kLParen);
      case ')': return single(Tok::kRParen);
      case '{': return single(Tok::kLBrace);
      case '}': return single(Tok::kRBrace);
      case '[': return single(Tok::kLBracket);
      case ']': return single(Tok::kRBracket);
      case ',': return single(Tok::kComma);
      default: break;
    }
    if (c == '"' || c == '\'') {
      const char quote = c;
      std::string value;
      std::size_t j = i_ + 1;
      for (; j < text_.size() && text_[j] != quote; ++j) {
        if (text_[j] == '\\' && j + 1 < text_.size()) ++j;
        value += text_[j];
      }
      if (j >= text_.size()) return fail(i_, "unterminated string");
      tok_.kind = Tok::kString;
      tok_.text = std::move(value);
      i_ = j + 1;
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i_ + 1])))) {
      std::size_t j = i_;
      while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '.' ||
                                   ((text_[j] == '+' || text_[j] == '-') && (text_[j - 1] == 'e' || text_[j - 1] == 'E')))) {
        ++j;
      }
      const std::string_view word = text_.substr(i_, j - i_);
      double v = 0;
      auto [p, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
      if (ec == std::errc() && p == word.data() + word.size()) {
        tok_.kind = Tok::kNumber;
        tok_.number = v;
      } else if (auto d = parse_duration(word)) {
        tok_.kind = Tok::kDuration;
        tok_.duration = *d;
      } else {
        return fail(i_, "\"" + std::string(word) + "\" is not a number or a duration");
      }
      tok_.text = std::string(word);
      i_ = j;
      return;
    }
    if (ident_start(c)) {
      std::size_t j = i_;
      while (j < text_.size() && ident_char(text_[j])) ++j;
      tok_.kind = Tok::kIdent;
      tok_.text = std::string(text_.substr(i_, j - i_));
      i_ = j;
      return;
    }
    static constexpr std::array<std::string_view, 10> kTwo{"==", "!=", ">=", "<=", "=~", "!~"};
    for (std::string_view two : kTwo) {
      if (!two.empty() && text_.substr(i_, 2) == two) {
        tok_.kind = (two == "=~" || two == "!~") ? Tok::kMatch : Tok::kOp;
        tok_.text = std::string(two);
        i_ += 2;
        return;
      }
    }
    if (std::string_view("+-*/%^<>").find(c) != std::string_view::npos) return single(Tok::kOp);
    if (c == '=') return single(Tok::kMatch);
    fail(i_, std::string("unexpected character '") + c + "'");
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd: return "end of expression";
      case Tok::kString: return "string \"" + t.text + "\"";
      default: return "\"" + t.text + "\"";
    }
  }

  void fail(std::size_t pos, std::string message) {
    if (!failed_) error_ = ParseError{pos, std::move(message)};
    failed_ = true;
    tok_ = Token{Tok::kEnd, pos, "", 0, 0};
    i_ = text_.size();
  }

  bool expect(Tok kind, const char* what) {
    if (failed_) return false;
    if (tok_.kind != kind) {
      fail(tok_.pos, std::string("expected ") + what + ", found " + describe(tok_));
      return false;
    }
    advance();
    return true;
  }

  // ---- grammar (precedence climbing) ----
  struct OpInfo {
    BinaryOp op;
    int precedence;
    bool right_assoc;
    bool comparison;
    bool set;
  };

  std::optional<OpInfo> binary_op() const {
    if (tok_.kind == Tok::kIdent) {
      if (tok_.text == "or") return OpInfo{BinaryOp::kOr, 1, false, false, true};
      if (tok_.text == "and") return OpInfo{BinaryOp::kAnd, 2, false, false, true};
      if (tok_.text == "unless") return OpInfo{BinaryOp::kUnless, 2, false, false, true};
      return std::nullopt;
    }
    if (tok_.kind != Tok::kOp) return std::nullopt;
    const std::string& t = tok_.text;
    if (t == "==") return OpInfo{BinaryOp::kEq, 3, false, true, false};
    if (t == "!=") return OpInfo{BinaryOp::kNe, 3, false, true, false};
    if (t == ">") return OpInfo{BinaryOp::kGt, 3, false, true, false};
    if (t == "<") return OpInfo{BinaryOp::kLt, 3, false, true, false};
    if (t == ">=") return OpInfo{BinaryOp::kGe, 3, false, true, false};
    if (t == "<=") return OpInfo{BinaryOp::kLe, 3, false, true, false};
    if (t == "+") return OpInfo{BinaryOp::kAdd, 4, false, false, false};
    if (t == "-") return OpInfo{BinaryOp::kSub, 4, false, false, false};
    if (t == "*") return OpInfo{BinaryOp::kMul, 5, false, false, false};
    if (t == "/") return OpInfo{BinaryOp::kDiv, 5, false, false, false};
    if (t == "%") return OpInfo{BinaryOp::kMod, 5, false, false, false};
    if (t == "^") return OpInfo{BinaryOp::kPow, 7, true, false, false};
    return std::nullopt;
  }

  NodePtr expression(int min_precedence) {
    NodePtr lhs = unary();
    while (!failed_) {
      auto info = binary_op();
      if (!info || info->precedence < min_precedence) break;
      auto node = std::make_unique<Node>();
      node->kind = Node::Kind::kBinary;
      node->pos = tok_.pos;
      node->op = info->op;
      advance();
      if (tok_.kind == Tok::kIdent && tok_.text == "bool") {
        if (!info->comparison) {
          fail(tok_.pos, "bool is only allowed after a comparison");
          break;
        }
        node->return_bool = true;
        advance();
      }
      if (tok_.kind == Tok::kIdent && (tok_.text == "on" || tok_.text == "ignoring")) {
        const bool on = tok_.text == "on";
        advance();
        auto labels = label_list();
        if (on) node->on = std::move(labels);
        else node->ignoring = std::move(labels);
      }
      node->lhs = std::move(lhs);
      node->rhs = expression(info->right_assoc ? info->precedence : info->precedence + 1);
      lhs = std::move(node);
    }
    return lhs;
  }

  NodePtr unary() {
    if (tok_.kind == Tok::kOp && (tok_.text == "-" || tok_.text == "+")) {
      const bool negate = tok_.text == "-";
      const std::size_t pos = tok_.pos;
      advance();
      NodePtr operand = expression(6);  // binds tighter than * and /, looser than ^
      if (!negate) return operand;
      auto node = std::make_unique<Node>();
      node->kind = Node::Kind::kNegate;
      node->pos = pos;
      node->args.push_back(std::move(operand));
      return node;
    }
    return postfix(primary());
  }

  // `offset` after a selector.
  NodePtr postfix(NodePtr n) {
    if (failed_ || !n) return n;
    if (tok_.kind == Tok::kIdent && tok_.text == "offset") {
      if (n->kind != Node::Kind::kSelector) {
        fail(tok_.pos, "offset applies to a series selector");
        return n;
      }
      advance();
      if (tok_.kind != Tok::kDuration) {
        fail(tok_.pos, "expected a duration after offset, found " + describe(tok_));
        return n;
      }
      n->offset_ns = tok_.duration;
      advance();
    }
    return n;
  }

  std::vector<std::string> label_list() {
    std::vector<std::string> labels;
    if (!expect(Tok::kLParen, "\"(\"")) return labels;
    while (!failed_ && tok_.kind == Tok::kIdent) {
      labels.push_back(tok_.text);
      advance();
      if (tok_.kind != Tok::kComma) break;
      advance();
    }
    expect(Tok::kRParen, "\")\" after the label list");
    return labels;
  }

  NodePtr primary() {
    if (failed_) return nullptr;
    const std::size_t pos = tok_.pos;
    switch (tok_.kind) {
      case Tok::kNumber: {
        auto n = std::make_unique<Node>();
        n->kind = Node::Kind::kNumber;
        n->pos = pos;
        n->number = tok_.number;
        advance();
        return n;
      }
      case Tok::kLParen: {
        advance();
        NodePtr inner = expression(0);
        expect(Tok::kRParen, "\")\"");
        return inner;
      }
      case Tok::kLBrace:
        return selector("", pos);
      case Tok::kIdent: {
        const std::string name = tok_.text;
        static constexpr std::array<std::pair<std::string_view, AggregateOp>, 5> kAggregates{{
            {"sum", AggregateOp::kSum}, {"min", AggregateOp::kMin}, {"max", AggregateOp::kMax},
            {"avg", AggregateOp::kAvg}, {"count", AggregateOp::kCount}}};
        for (const auto& [agg_name, agg] : kAggregates) {
          if (name == agg_name) return aggregate(agg, pos);
        }
        static constexpr std::array<std::string_view, 8> kKeywords{"on", "ignoring", "bool", "by",
                                                                   "offset", "and", "or", "unless"};
        for (std::string_view k : kKeywords) {
          if (name == k) {
            fail(pos, "\"" + name + "\" is a keyword, not a series name");
            return nullptr;
          }
        }
        advance();
        if (tok_.kind == Tok::kLParen) return call(name, pos);
        return selector(name, pos);
      }
      default:
        fail(pos, "expected an expression, found " + describe(tok_));
        return nullptr;
    }
  }

  NodePtr aggregate(AggregateOp op, std::size_t pos) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kAggregate;
    n->pos = pos;
    n->aggregate = op;
    advance();
    if (tok_.kind == Tok::kIdent && tok_.text == "by") {
      advance();
      n->grouping = label_list();
    }
    if (!expect(Tok::kLParen, "\"(\" after the aggregation")) return n;
    n->args.push_back(expression(0));
    expect(Tok::kRParen, "\")\"");
    if (tok_.kind == Tok::kIdent && tok_.text == "by" && n->grouping.empty()) {
      advance();
      n->grouping = label_list();
    }
    return n;
  }

  NodePtr call(const std::string& name, std::size_t pos) {
    const FunctionInfo* f = find_function(name);
    if (f == nullptr) {
      fail(pos, "unknown function \"" + name + "\"");
      return nullptr;
    }
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kCall;
    n->pos = pos;
    n->function = name;
    advance();  // (
    while (!failed_ && tok_.kind != Tok::kRParen) {
      n->args.push_back(expression(0));
      if (tok_.kind != Tok::kComma) break;
      advance();
    }
    expect(Tok::kRParen, "\")\" after the arguments");
    if (failed_) return n;
    const int count = static_cast<int>(n->args.size());
    if (count < f->min_args || count > f->max_args) {
      fail(pos, name + "() takes " + std::to_string(f->min_args) + " argument" + (f->min_args == 1 ? "" : "s") +
                    ", got " + std::to_string(count));
    } else if (f->takes_range && !(n->args[0]->kind == Node::Kind::kSelector && n->args[0]->range_ns)) {
      fail(n->args[0]->pos, name + "() needs a range selector, e.g. x[5m]");
    } else if (!f->takes_range && count > 0 && n->args[0]->kind == Node::Kind::kSelector && n->args[0]->range_ns) {
      fail(n->args[0]->pos, name + "() takes an instant value, not a range");
    } else if (name == "age" && n->args[0]->kind != Node::Kind::kSelector) {
      fail(n->args[0]->pos, "age() takes a series selector");
    }
    return n;
  }

  NodePtr selector(const std::string& name, std::size_t pos) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kSelector;
    n->pos = pos;
    n->metric = name;
    if (tok_.kind == Tok::kLBrace) {
      advance();
      while (!failed_ && tok_.kind == Tok::kIdent) {
        Matcher m;
        m.label = tok_.text;
        advance();
        if (tok_.kind == Tok::kMatch) {
          m.op = tok_.text == "=" ? MatchOp::kEqual : tok_.text == "=~" ? MatchOp::kRegex : MatchOp::kNotRegex;
        } else if (tok_.kind == Tok::kOp && tok_.text == "!=") {
          m.op = MatchOp::kNotEqual;
        } else {
          fail(tok_.pos, "expected a label matcher (=, !=, =~, !~), found " + describe(tok_));
          return n;
        }
        advance();
        if (tok_.kind != Tok::kString) {
          fail(tok_.pos, "expected a quoted label value, found " + describe(tok_));
          return n;
        }
        m.value = tok_.text;
        if (m.op == MatchOp::kRegex || m.op == MatchOp::kNotRegex) {
          if (const std::string limit = regex_limits(m.value); !limit.empty()) {
            fail(tok_.pos, "regular expression \"" + m.value + "\" " + limit);
            return n;
          }
          auto compiled = std::make_shared<const CompiledRegex>(m.value);
          if (!compiled->ok()) {
            fail(tok_.pos, "invalid regular expression \"" + m.value + "\"");
            return n;
          }
          m.regex = std::move(compiled);
        }
        n->matchers.push_back(std::move(m));
        advance();
        if (tok_.kind != Tok::kComma) break;
        advance();
      }
      expect(Tok::kRBrace, "\"}\" or a label matcher");
      if (name.empty() && n->matchers.empty() && !failed_) fail(pos, "a selector needs a metric name or a matcher");
    }
    if (tok_.kind == Tok::kLBracket) {
      advance();
      if (tok_.kind != Tok::kDuration || tok_.duration <= 0) {
        fail(tok_.pos, "expected a range duration like 5m, found " + describe(tok_));
        return n;
      }
      n->range_ns = tok_.duration;
      advance();
      expect(Tok::kRBracket, "\"]\"");
    }
    return n;
  }

  std::string_view text_;
  std::size_t i_ = 0;
  Token tok_;
  bool failed_ = false;
  ParseError error_;
};

std::string labels_text(const std::vector<std::string>& labels) {
  std::string s = "(";
  for (std::size_t i = 0; i < labels.size(); ++i) s += (i ? ", " : "") + labels[i];
  return s + ")";
}

std::string duration_text(TimeNs d) {
  if (d % kNsPerDay == 0) return std::to_string(d / kNsPerDay) + "d";
  if (d % kNsPerHour == 0) return std::to_string(d / kNsPerHour) + "h";
  if (d % kNsPerMinute == 0) return std::to_string(d / kNsPerMinute) + "m";
  if (d % kNsPerSecond == 0) return std::to_string(d / kNsPerSecond) + "s";
  return std::to_string(d / kNsPerMs) + "ms";
}

}  // namespace

const FunctionInfo* find_function(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::variant<NodePtr, ParseError> parse(std::string_view text) { return Parser(text).run(); }

const char* binary_op_text(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "^";
    case BinaryOp::kEq: return "==";
    case BinaryOp::kNe: return "!=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
    case BinaryOp::kUnless: return "unless";
  }
  return "?";
}

std::string to_string(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kNumber: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", n.number);
      return buf;
    }
    case Node::Kind::kSelector: {
      std::string s = n.metric;
      if (!n.matchers.empty()) {
        s += "{";
        for (std::size_t i = 0; i < n.matchers.size(); ++i) {
          static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
          std::string value;
          for (char ch : n.matchers[i].value) {
            if (ch == '\\' || ch == '"') value += '\\';  // printed as the parser reads it back
            value += ch;
          }
          s += (i ? ", " : "") + n.matchers[i].label + kOps[static_cast<int>(n.matchers[i].op)] + "\"" + value + "\"";
        }
        s += "}";
      }
      if (n.range_ns) s += "[" + duration_text(*n.range_ns) + "]";
      if (n.offset_ns) s += " offset " + duration_text(n.offset_ns);
      return s;
    }
    case Node::Kind::kCall: {
      std::string s = n.function + "(";
      for (std::size_t i = 0; i < n.args.size(); ++i) s += (i ? ", " : "") + to_string(*n.args[i]);
      return s + ")";
    }
    case Node::Kind::kAggregate: {
      static constexpr const char* kNames[] = {"sum", "min", "max", "avg", "count"};
      std::string s = kNames[static_cast<int>(n.aggregate)];
      if (!n.grouping.empty()) s += " by " + labels_text(n.grouping);
      return s + "(" + to_string(*n.args[0]) + ")";
    }
    case Node::Kind::kNegate:
      // Wrapped whole: "(-(x)) ^ 2" and "-(x ^ 2)" are different trees.
      return "(-(" + to_string(*n.args[0]) + "))";
    case Node::Kind::kBinary: {
      std::string s = "(" + to_string(*n.lhs) + " " + binary_op_text(n.op);
      if (n.return_bool) s += " bool";
      if (n.on) s += " on" + labels_text(*n.on);
      if (n.ignoring) s += " ignoring" + labels_text(*n.ignoring);
      return s + " " + to_string(*n.rhs) + ")";
    }
  }
  return "?";
}

std::string caret_line(std::string_view text, std::size_t pos) {
  std::size_t start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  start = start == std::string_view::npos ? 0 : start + 1;
  std::size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  return "  " + std::string(text.substr(start, end - start)) + "\n  " + std::string(pos - start, ' ') + "^";
}

}  // namespace hashwatch::rules::expr
