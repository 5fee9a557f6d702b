#include "rules/hashprice.h"

#include <cmath>
#include <limits>

namespace hashwatch::rules {

std::int64_t block_subsidy_sats(std::int64_t height) {
  if (height < 0) return 0;
  const std::int64_t halvings = height / kHalvingIntervalBlocks;
  if (halvings >= 64) return 0;
  return (50 * kSatsPerBtc) >> halvings;
}

double block_subsidy_btc(std::int64_t height) {
  return static_cast<double>(block_subsidy_sats(height)) / static_cast<double>(kSatsPerBtc);
}

double hashprice_btc_per_ph_day(double block_subsidy_btc, double fees_per_block_btc,
                                double difficulty) {
  if (!(difficulty > 0.0) || !std::isfinite(difficulty) || !std::isfinite(block_subsidy_btc) ||
      !std::isfinite(fees_per_block_btc)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return (block_subsidy_btc + fees_per_block_btc) * kSecondsPerDay * kHashesPerPeta /
         (difficulty * kTwoPow32);
}

double hashprice_usd_per_ph_day(double hashprice_btc_per_ph_day, double btc_usd) {
  return hashprice_btc_per_ph_day * btc_usd;
}

std::int64_t blocks_to_retarget(std::int64_t height) {
  if (height < 0) return kRetargetIntervalBlocks;
  return kRetargetIntervalBlocks - height % kRetargetIntervalBlocks;
}

double network_hashrate_implied_hs(double difficulty) {
  return difficulty * kTwoPow32 / kTargetBlockSeconds;
}

}  // namespace hashwatch::rules
