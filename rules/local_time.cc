#include "rules/local_time.h"

#include <date/tz.h>

#include <chrono>

namespace hashwatch::rules {

namespace {
using ns = std::chrono::nanoseconds;
}

std::optional<TimeZone> TimeZone::find(std::string_view name) {
  try {
    return TimeZone(date::locate_zone(name), std::string(name));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<TimeNs> TimeZone::to_utc(const LocalDateTime& l, Ambiguity ambiguity) const {
  const date::year_month_day ymd{date::year{l.year}, date::month{l.month}, date::day{l.day}};
  if (!ymd.ok()) return std::nullopt;
  const date::local_time<ns> local{date::local_days{ymd}.time_since_epoch() + std::chrono::hours{l.hour} +
                                   std::chrono::minutes{l.minute} + std::chrono::seconds{l.second}};
  const date::local_info info = zone_->get_info(date::floor<std::chrono::seconds>(local));
  switch (info.result) {
    case date::local_info::unique:
      return (local.time_since_epoch() - info.first.offset).count();
    case date::local_info::ambiguous: {
      const auto& chosen = ambiguity == Ambiguity::kEarliest ? info.first : info.second;
      return (local.time_since_epoch() - chosen.offset).count();
    }
    case date::local_info::nonexistent:
    default:
      return std::nullopt;
  }
}

LocalDateTime TimeZone::to_local(TimeNs utc) const {
  const date::sys_time<ns> sys{ns{utc}};
  const auto local = zone_->to_local(sys);
  const auto days = date::floor<date::days>(local);
  const date::year_month_day ymd{days};
  const date::hh_mm_ss<ns> tod{local - days};
  return LocalDateTime{int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                       int(tod.hours().count()), int(tod.minutes().count()),
                       int(tod.seconds().count())};
}

unsigned TimeZone::iso_weekday(TimeNs utc) const {
  const date::sys_time<ns> sys{ns{utc}};
  const auto local = zone_->to_local(sys);
  return date::weekday{date::floor<date::days>(local)}.iso_encoding();
}

}  // namespace hashwatch::rules
