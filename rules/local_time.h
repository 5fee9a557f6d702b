// Civil (wall-clock) time in a named time zone ↔ UTC nanoseconds, with the IANA tz database.
// Power markets and tariffs speak local time; everything inside hashwatch is UTC. Ambiguous local
// times (the repeated hour when DST ends) need a choice; local times that do not exist (the hour
// skipped when DST starts) have no UTC instant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/time.h"

namespace date {
class time_zone;
}

namespace hashwatch::rules {

struct LocalDateTime {
  int year = 1970;
  unsigned month = 1, day = 1;
  int hour = 0, minute = 0, second = 0;
  bool operator==(const LocalDateTime&) const = default;
};

struct LocalDate {
  int year = 1970;
  unsigned month = 1, day = 1;
  bool operator==(const LocalDate&) const = default;
};

enum class Ambiguity : std::uint8_t {
  kEarliest,  // the first occurrence (daylight time) of a repeated local time
  kLatest,    // the second occurrence (standard time)
};

class TimeZone {
 public:
  // std::nullopt when the name is not in the tz database.
  static std::optional<TimeZone> find(std::string_view name);
  const std::string& name() const { return name_; }

  std::optional<TimeNs> to_utc(const LocalDateTime& local, Ambiguity ambiguity) const;
  LocalDateTime to_local(TimeNs utc) const;
  // ISO weekday of the local date at `utc`: 1 = Monday … 7 = Sunday.
  unsigned iso_weekday(TimeNs utc) const;

 private:
  TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  const date::time_zone* zone_;
  std::string name_;
};

}  // namespace hashwatch::rules
