// Durations as config, rule files and rule expressions write them: "500ms", "30s", "10m",
// "1h30m", "7d", "2w". One parser for all three.
#pragma once

#include <optional>
#include <string_view>

#include "rules/time.h"

namespace hashwatch {

// Nanoseconds; std::nullopt when malformed, negative, or beyond the 64-bit range (about 292 years).
std::optional<TimeNs> parse_duration(std::string_view text);

}  // namespace hashwatch
