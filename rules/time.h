// Time inside hashwatch: UTC nanoseconds since the Unix epoch, as a plain integer.
// Conversions to and from wire formats happen at the edges (connectors, HTTP), never here.
#pragma once

#include <cstdint>

namespace hashwatch {

using TimeNs = std::int64_t;

inline constexpr TimeNs kNsPerUs = 1'000;
inline constexpr TimeNs kNsPerMs = 1'000'000;
inline constexpr TimeNs kNsPerSecond = 1'000'000'000;
inline constexpr TimeNs kNsPerMinute = 60 * kNsPerSecond;
inline constexpr TimeNs kNsPerHour = 60 * kNsPerMinute;
inline constexpr TimeNs kNsPerDay = 24 * kNsPerHour;

inline constexpr double ns_to_seconds(TimeNs t) { return static_cast<double>(t) / 1e9; }

}  // namespace hashwatch
