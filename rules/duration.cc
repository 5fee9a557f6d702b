#include "rules/duration.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>

namespace hashwatch {

std::optional<TimeNs> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  TimeNs total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc() || n < 0) return std::nullopt;
    i = static_cast<std::size_t>(ptr - text.data());
    std::size_t j = i;
    while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j]))) ++j;
    const std::string_view unit = text.substr(i, j - i);
    TimeNs scale = 0;
    if (unit == "ms") scale = kNsPerMs;
    else if (unit == "s") scale = kNsPerSecond;
    else if (unit == "m") scale = kNsPerMinute;
    else if (unit == "h") scale = kNsPerHour;
    else if (unit == "d") scale = kNsPerDay;
    else if (unit == "w") scale = 7 * kNsPerDay;
    else return std::nullopt;
    if (n > std::numeric_limits<TimeNs>::max() / scale || total > std::numeric_limits<TimeNs>::max() - n * scale) {
      return std::nullopt;
    }
    total += n * scale;
    i = j;
  }
  return total;
}

}  // namespace hashwatch
