// Reconnect delays: capped exponential backoff with full jitter (AWS architecture blog's "Full
// Jitter"): delay_n = uniform(0, min(cap, base * 2^n)). Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <random>

#include "rules/time.h"

namespace hashwatch::connectors {

struct BackoffPolicy {
  TimeNs base_ns = 500 * kNsPerMs;  // first ceiling
  TimeNs cap_ns = 30 * kNsPerSecond;  // no delay is ever longer than this
};

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy, std::uint64_t seed = std::random_device{}());
  // Delay before the next attempt; each call doubles the ceiling up to the cap.
  TimeNs next();
  // Ceiling of the next delay (for logs and tests).
  TimeNs ceiling() const;
  void reset() { attempt_ = 0; }
  std::uint32_t attempt() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  std::uint32_t attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace hashwatch::connectors
