#include "connectors/common/parse_util.h"

#include <charconv>
#include <algorithm>
#include <cstdio>

namespace hashwatch::connectors {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                        s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' ||
                        s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// JSON number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?  (leading zeros tolerated).
bool json_number_shape(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const std::size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == int_start) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t frac_start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == frac_start) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t exp_start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == exp_start) return false;
  }
  return i == s.size();
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<double> parse_decimal(std::string_view text) {
  text = trim(text);
  if (!json_number_shape(text)) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<TimeNs> parse_rfc3339_ns(std::string_view s) {
  unsigned year, month, day, hour, minute, second;
  if (s.size() < 20 || !digits(s, 0, 4, year) || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' ||
      !digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t i = 19;
  TimeNs frac_ns = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t n = 0;
    TimeNs scale = 100'000'000;
    while (i < s.size() && is_digit(s[i])) {
      if (n < 9) {
        frac_ns += (s[i] - '0') * scale;
        scale /= 10;
      }
      ++n;
      ++i;
    }
    if (n == 0) return std::nullopt;
  }
  TimeNs offset_ns = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '+' ? 1 : -1;
    unsigned oh, om;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_ns = sign * (static_cast<TimeNs>(oh) * kNsPerHour + static_cast<TimeNs>(om) * kNsPerMinute);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const std::int64_t days = days_from_civil(year, month, day);
  const TimeNs seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * kNsPerSecond + frac_ns - offset_ns;
}

std::string format_rfc3339(TimeNs t, int fraction_digits) {
  std::int64_t secs = t / kNsPerSecond;
  std::int64_t frac = t % kNsPerSecond;
  if (frac < 0) {
    frac += kNsPerSecond;
    secs -= 1;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // civil_from_days
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                        static_cast<long long>((rem / 60) % 60), static_cast<long long>(rem % 60));
  std::string out(buf, static_cast<std::size_t>(n));
  if (fraction_digits > 0) {
    fraction_digits = std::min(fraction_digits, 9);
    char digits[10];
    std::snprintf(digits, sizeof digits, "%09lld", static_cast<long long>(frac));
    out += '.';
    out.append(digits, static_cast<std::size_t>(fraction_digits));
  }
  out += 'Z';
  return out;
}

}  // namespace hashwatch::connectors

#include "connectors/common/json_parser_impl.h"
#include "connectors/common/parse_status.h"

namespace hashwatch::connectors {

std::string_view parse_status_name(ParseStatus status) {
  switch (status) {
    case ParseStatus::kOk: return "ok";
    case ParseStatus::kNotJson: return "not json";
    case ParseStatus::kMissingField: return "missing field";
    case ParseStatus::kWrongType: return "wrong type";
    case ParseStatus::kBadValue: return "bad value";
  }
  return "unknown";
}

void JsonParserDeleter::operator()(JsonParser* p) const { delete p; }
JsonParserPtr make_json_parser() { return JsonParserPtr(new JsonParser()); }

}  // namespace hashwatch::connectors
