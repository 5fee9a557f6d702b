// The unit of work of the engine: one new value of one interned series, with its times and origin.
// Fixed size and trivially copyable, so connectors hand it over through a ring without allocating.
#pragma once

#include <cstdint>
#include <type_traits>

#include "rules/time.h"

namespace hashwatch::rules {

// Interned (name, labels) pair; see SeriesRegistry.
using SeriesId = std::uint32_t;
// Interned feed name; see SeriesRegistry::intern_source.
using SourceId = std::uint16_t;

inline constexpr SeriesId kNoSeries = 0xFFFFFFFFu;

enum class EventKind : std::uint8_t {
  kValue,     // `value` is the new value of `series`
  kFeedUp,    // feed `source` is connected and fresh; `series` unused
  kFeedDown,  // feed `source` is down or stale: every series it feeds is stale until kFeedUp
};

struct Event {
  SeriesId series = kNoSeries;
  SourceId source = 0;
  EventKind kind = EventKind::kValue;
  double value = 0.0;
  TimeNs source_time_ns = 0;  // when the source says the value was true (0: unknown)
  TimeNs recv_time_ns = 0;    // when our socket read it; drives the engine clock
  std::uint64_t sequence = 0; // per-source sequence number when the feed has one, else 0
};

static_assert(std::is_trivially_copyable_v<Event>);
static_assert(sizeof(Event) <= 48);

inline Event value_event(SeriesId series, SourceId source, double value, TimeNs source_time_ns,
                         TimeNs recv_time_ns, std::uint64_t sequence = 0) {
  return Event{series, source, EventKind::kValue, value, source_time_ns, recv_time_ns, sequence};
}

inline Event feed_event(SourceId source, bool up, TimeNs recv_time_ns) {
  return Event{kNoSeries, source, up ? EventKind::kFeedUp : EventKind::kFeedDown, 0.0, 0,
               recv_time_ns, 0};
}

}  // namespace hashwatch::rules
