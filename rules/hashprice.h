// Bitcoin mining economics that depend only on the network: block subsidy and hashprice.
// Units are in every name; see docs/economics.md for the derivation and a worked example.
#pragma once

#include <cstdint>

namespace hashwatch::rules {

inline constexpr std::int64_t kSatsPerBtc = 100'000'000;
inline constexpr std::int64_t kHalvingIntervalBlocks = 210'000;
inline constexpr double kTwoPow32 = 4294967296.0;
inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kHashesPerPeta = 1e15;

// Subsidy of the block at `height` in satoshis: 50 BTC halved (integer shift, as in consensus
// code) every 210,000 blocks; 0 after 64 halvings and for negative heights.
std::int64_t block_subsidy_sats(std::int64_t height);
double block_subsidy_btc(std::int64_t height);

// Expected BTC earned by 1 PH/s in one day:
//   (subsidy + fees per block) * 86400 * 1e15 / (difficulty * 2^32)
// Returns NaN when difficulty is not positive or an input is not finite.
double hashprice_btc_per_ph_day(double block_subsidy_btc, double fees_per_block_btc,
                                double difficulty);

double hashprice_usd_per_ph_day(double hashprice_btc_per_ph_day, double btc_usd);

inline constexpr std::int64_t kRetargetIntervalBlocks = 2016;
inline constexpr double kTargetBlockSeconds = 600.0;

// Blocks from the tip at `height` to the next difficulty adjustment height:
// 2016 - height mod 2016 (mempool's remainingBlocks; 2016 when the tip starts an epoch).
std::int64_t blocks_to_retarget(std::int64_t height);

// The hashrate that finds blocks every 600 s at this difficulty: difficulty * 2^32 / 600, in H/s.
double network_hashrate_implied_hs(double difficulty);

}  // namespace hashwatch::rules
