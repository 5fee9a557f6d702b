#include "connectors/ercot/ercot_time.h"

namespace hashwatch::connectors::ercot {

std::optional<TimeNs> interval_start_utc(const rules::TimeZone& central, int year, unsigned month,
                                         unsigned day, int hour_ending, int interval, bool dst_flag) {
  if (hour_ending < 1 || hour_ending > 24 || interval < 1 || interval > 4) return std::nullopt;
  // Hour ending 24 starts at 23:00 local; the interval starts 15 min × (interval - 1) later.
  const rules::LocalDateTime start{year, month, day, hour_ending - 1, (interval - 1) * 15, 0};
  return central.to_utc(start, dst_flag ? rules::Ambiguity::kLatest : rules::Ambiguity::kEarliest);
}

}  // namespace hashwatch::connectors::ercot
