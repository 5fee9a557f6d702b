#include "rules/hashprice.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hashwatch::rules {
namespace {

// Expected values were computed by hand with 40-digit decimal arithmetic from the formula
// (subsidy + fees) * 86400 * 1e15 / (difficulty * 2^32).

TEST(BlockSubsidy, GenesisEraIsFiftyBtc) {
  EXPECT_EQ(block_subsidy_sats(0), 5'000'000'000);
  EXPECT_EQ(block_subsidy_sats(209'999), 5'000'000'000);
}

TEST(BlockSubsidy, FirstHalvingAtHeight210000) { EXPECT_EQ(block_subsidy_sats(210'000), 2'500'000'000); }

TEST(BlockSubsidy, FourthHalvingBoundary) {
  EXPECT_DOUBLE_EQ(block_subsidy_btc(839'999), 6.25);
  EXPECT_DOUBLE_EQ(block_subsidy_btc(840'000), 3.125);
}

TEST(BlockSubsidy, IntegerShiftLikeConsensus) {
  // 50 BTC >> 32 = 1.164 sats, truncated to 1; the 33rd halving reaches 0.
  EXPECT_EQ(block_subsidy_sats(32 * 210'000), 1);
  EXPECT_EQ(block_subsidy_sats(33 * 210'000), 0);
  EXPECT_EQ(block_subsidy_sats(64 * 210'000), 0);
  EXPECT_EQ(block_subsidy_sats(-1), 0);
}

TEST(Hashprice, DesignWorkedExample) {
  const double btc = hashprice_btc_per_ph_day(3.125, 0.025, 1.2e14);
  EXPECT_NEAR(btc, 0.000528059899806976318359375, 1e-12 * btc);
  EXPECT_NEAR(hashprice_usd_per_ph_day(btc, 100'000), 52.8059899806976318359375, 1e-12 * 52.8);
}

TEST(Hashprice, FixtureDayMatchesFeedsNotes) {
  // difficulty and fee window of the 2025-07-01 fixtures; price 105,560 USD
  const double fees = 454032660.0 / 144.0 / 1e8;
  const double btc = hashprice_btc_per_ph_day(3.125, fees, 116958512019762.1);
  EXPECT_NEAR(btc, 0.0005429151670006004117454746694434, 1e-12 * btc);
  EXPECT_NEAR(hashprice_usd_per_ph_day(btc, 105'560), 57.310125028583379463852306, 1e-12 * 57.3);
}

TEST(Hashprice, HalvingHalvesTheSubsidyPart) {
  const double before = hashprice_btc_per_ph_day(block_subsidy_btc(839'999), 0.025, 1.2e14);
  const double after = hashprice_btc_per_ph_day(block_subsidy_btc(840'000), 0.025, 1.2e14);
  EXPECT_NEAR(before, 0.0010519288480281829833984375, 1e-12 * before);
  EXPECT_NEAR(after, 0.000528059899806976318359375, 1e-12 * after);
}

TEST(Hashprice, NonPositiveDifficultyIsNaN) {
  EXPECT_TRUE(std::isnan(hashprice_btc_per_ph_day(3.125, 0.02, 0.0)));
  EXPECT_TRUE(std::isnan(hashprice_btc_per_ph_day(3.125, 0.02, -1.0)));
  EXPECT_TRUE(std::isnan(hashprice_btc_per_ph_day(3.125, NAN, 1e14)));
}

}  // namespace
}  // namespace hashwatch::rules
