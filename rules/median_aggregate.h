// The aggregate BTC/USD price: the median of fresh per-exchange prices, after excluding sources that
// are invalid (zero, negative, NaN) or further than max_deviation_pct from the median of all valid
// sources (from the other source when there are only two).
#pragma once

#include <cstdint>
#include <span>

namespace hashwatch::rules {

struct AggregateConfig {
  std::uint32_t min_sources = 1;    // fewer usable sources than this: no aggregate value
  double max_deviation_pct = 1.0;   // exclusion threshold, percent of the median of the others
};

struct AggregateResult {
  bool has_value = false;
  double value = 0.0;
  std::uint32_t used = 0;      // sources that entered the median
  std::uint32_t excluded = 0;  // fresh sources rejected as invalid or outliers
  std::uint64_t excluded_mask = 0;  // bit i set: prices[i] was excluded (first 64 inputs)
};

inline constexpr std::size_t kMaxAggregateSources = 64;

// Median of the values; `values` is reordered. Empty input gives NaN.
double median_inplace(std::span<double> values);

// `prices` holds one price per fresh source (at most kMaxAggregateSources; more are ignored).
// With exactly two valid sources that disagree by more than the threshold, neither can be trusted
// and both are excluded.
AggregateResult aggregate_median(std::span<const double> prices, const AggregateConfig& config);

}  // namespace hashwatch::rules
