// Small exact parsers for wire values: decimal strings (prices arrive as JSON strings), integers and
// RFC 3339 timestamps. Pure functions of their input; std::nullopt on anything malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/time.h"

namespace hashwatch::connectors {

// Bytes after a frame handed to a parser that are readable (simdjson reads up to 64 past the end).
inline constexpr std::size_t kFramePadding = 64;

// A JSON-number-shaped decimal ("105566.35", "-1", "1e-06") to the nearest double (correctly
// rounded, so "105566.35" gives exactly the double the literal 105566.35 gives). No inf/nan/hex.
std::optional<double> parse_decimal(std::string_view text);

// A decimal integer, optional leading '-', no sign '+', no spaces; surrounding whitespace allowed.
std::optional<std::int64_t> parse_int(std::string_view text);

// "2025-07-01T11:59:59.587911Z" or with a "+02:00" offset, 0-9 fraction digits, to UTC ns.
std::optional<TimeNs> parse_rfc3339_ns(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);

// UTC ns to RFC 3339 with 0-9 fraction digits, e.g. "2025-07-01T12:00:00.000Z" for 3.
std::string format_rfc3339(TimeNs t, int fraction_digits);
inline std::string format_rfc3339_ms(TimeNs t) { return format_rfc3339(t, 3); }

}  // namespace hashwatch::connectors
