#include "rules/median_aggregate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace hashwatch::rules {
namespace {

AggregateResult agg(std::vector<double> prices, std::uint32_t min_sources = 1, double dev = 1.0) {
  return aggregate_median(prices, AggregateConfig{min_sources, dev});
}

TEST(MedianAggregate, OddCountTakesMiddle) {
  auto r = agg({100'010, 100'000, 100'020});
  ASSERT_TRUE(r.has_value);
  EXPECT_EQ(r.value, 100'010);
  EXPECT_EQ(r.used, 3u);
}

TEST(MedianAggregate, EvenCountAveragesMiddlePair) {
  auto r = agg({100'000, 100'010, 100'020, 100'030});
  ASSERT_TRUE(r.has_value);
  EXPECT_EQ(r.value, 100'015);
}

TEST(MedianAggregate, SingleSourceIsItsOwnMedian) {
  auto r = agg({105'560});
  ASSERT_TRUE(r.has_value);
  EXPECT_EQ(r.value, 105'560);
}

TEST(MedianAggregate, OutlierTenPercentOffIsExcluded) {
  auto r = agg({100'000, 100'050, 110'000});
  ASSERT_TRUE(r.has_value);
  EXPECT_EQ(r.value, 100'025);
  EXPECT_EQ(r.used, 2u);
  EXPECT_EQ(r.excluded, 1u);
  EXPECT_EQ(r.excluded_mask, 0b100u);
}

TEST(MedianAggregate, ZeroNegativeAndNaNAreExcluded) {
  auto r = agg({100'000, 0, -5, NAN, 100'010});
  ASSERT_TRUE(r.has_value);
  EXPECT_EQ(r.value, 100'005);
  EXPECT_EQ(r.excluded, 3u);
}

TEST(MedianAggregate, TooFewSourcesGivesNoValue) {
  auto r = agg({100'000, 100'010}, 3);
  EXPECT_FALSE(r.has_value);
  EXPECT_EQ(r.used, 2u);
}

TEST(MedianAggregate, TwoDisagreeingSourcesAreBothExcluded) {
  auto r = agg({100'000, 105'000});
  EXPECT_FALSE(r.has_value);
  EXPECT_EQ(r.excluded, 2u);
}

TEST(MedianAggregate, EmptyInputGivesNoValue) { EXPECT_FALSE(agg({}).has_value); }

TEST(MedianAggregate, DeviationExactlyAtThresholdIsKept) {
  // 101'000 is exactly 1 % above the median of the others (100'000): kept.
  auto r = agg({100'000, 100'000, 101'000});
  EXPECT_EQ(r.used, 3u);
}

}  // namespace
}  // namespace hashwatch::rules
