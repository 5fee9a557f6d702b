// libFuzzer target for the rule expression parser: any input must parse or fail with a position
// inside the text, and a parsed tree must print and re-parse to the same canonical form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "rules/expr/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hashwatch::rules::expr;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto result = parse(text);
  if (auto* error = std::get_if<ParseError>(&result)) {
    if (error->pos > text.size()) std::abort();
    (void)caret_line(text, error->pos);
    return 0;
  }
  const std::string canonical = to_string(*std::get<NodePtr>(result));
  auto again = parse(canonical);
  if (!std::holds_alternative<NodePtr>(again) || to_string(*std::get<NodePtr>(again)) != canonical) std::abort();
  return 0;
}
