#include "connectors/common/backoff.h"

#include <gtest/gtest.h>

namespace hashwatch::connectors {
namespace {

TEST(Backoff, CeilingDoublesUpToCap) {
  Backoff b(BackoffPolicy{100 * kNsPerMs, 1 * kNsPerSecond}, 1);
  const TimeNs expected[] = {100, 200, 400, 800, 1000, 1000};
  for (TimeNs e : expected) {
    EXPECT_EQ(b.ceiling(), e * kNsPerMs);
    b.next();
  }
}

TEST(Backoff, DelaysAreWithinZeroAndCeiling) {
  Backoff b(BackoffPolicy{100 * kNsPerMs, 2 * kNsPerSecond}, 42);
  for (int i = 0; i < 1000; ++i) {
    const TimeNs c = b.ceiling();
    const TimeNs d = b.next();
    EXPECT_GE(d, 0);
    EXPECT_LE(d, c);
    EXPECT_LE(d, 2 * kNsPerSecond);
  }
}

TEST(Backoff, FullJitterSpreadsDelays) {
  Backoff b(BackoffPolicy{kNsPerSecond, kNsPerSecond}, 7);
  TimeNs lo = kNsPerSecond, hi = 0;
  for (int i = 0; i < 200; ++i) {
    const TimeNs d = b.next();
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, kNsPerSecond / 10);
  EXPECT_GT(hi, kNsPerSecond * 9 / 10);
}

TEST(Backoff, ResetStartsOver) {
  Backoff b(BackoffPolicy{100 * kNsPerMs, kNsPerSecond}, 1);
  b.next();
  b.next();
  b.reset();
  EXPECT_EQ(b.ceiling(), 100 * kNsPerMs);
}

TEST(Backoff, SameSeedSameDelays) {
  Backoff a(BackoffPolicy{}, 99), b(BackoffPolicy{}, 99);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.next(), b.next());
}

}  // namespace
}  // namespace hashwatch::connectors
