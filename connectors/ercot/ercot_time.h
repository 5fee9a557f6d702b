// ERCOT's interval clock: delivery date + hour ending (1-24) + 15-minute interval (1-4) in Central
// prevailing time, with DSTFlag marking the second (standard-time) pass of the repeated hour.
#pragma once

#include <optional>

#include "rules/local_time.h"

namespace hashwatch::connectors::ercot {

// UTC start of the interval, or std::nullopt for an interval that does not exist (hour ending 3 on
// the spring-forward day) or out-of-range numbers.
std::optional<TimeNs> interval_start_utc(const rules::TimeZone& central, int year, unsigned month,
                                         unsigned day, int hour_ending, int interval, bool dst_flag);

}  // namespace hashwatch::connectors::ercot
