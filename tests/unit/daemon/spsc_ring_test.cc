#include "daemon/spsc_ring.h"

#include <gtest/gtest.h>

#include <thread>

namespace hashwatch::daemon {
namespace {

TEST(SpscRing, FifoAndFull) {
  SpscRing<int> ring(4);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ring.push(i));
  EXPECT_FALSE(ring.push(99));
  int v = -1;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ring.pop(v));
    EXPECT_EQ(v, i);
  }
  EXPECT_FALSE(ring.pop(v));
  EXPECT_TRUE(ring.empty());
}

TEST(SpscRing, CapacityMustBePowerOfTwo) { EXPECT_THROW(SpscRing<int>(3), std::invalid_argument); }

TEST(SpscRing, TwoThreadsSeeEveryItemInOrder) {
  SpscRing<std::uint64_t> ring(64);
  constexpr std::uint64_t kCount = 1'000'000;
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kCount;) {
      if (ring.push(i)) ++i;
    }
  });
  std::uint64_t expected = 0, v = 0;
  while (expected < kCount) {
    if (ring.pop(v)) {
      ASSERT_EQ(v, expected);
      ++expected;
    }
  }
  producer.join();
}

}  // namespace
}  // namespace hashwatch::daemon
