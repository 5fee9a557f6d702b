#include "connectors/common/backoff.h"

#include <algorithm>

namespace hashwatch::connectors {

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed) : policy_(policy), rng_(seed) {}

TimeNs Backoff::ceiling() const {
  TimeNs ceiling = std::max<TimeNs>(policy_.base_ns, 1);
  for (std::uint32_t i = 0; i < attempt_ && ceiling < policy_.cap_ns; ++i) ceiling *= 2;
  return std::min(ceiling, policy_.cap_ns);
}

TimeNs Backoff::next() {
  const TimeNs c = ceiling();
  ++attempt_;
  std::uniform_int_distribution<TimeNs> dist(0, c);
  return dist(rng_);
}

}  // namespace hashwatch::connectors
