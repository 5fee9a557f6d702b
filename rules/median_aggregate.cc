#include "rules/median_aggregate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace hashwatch::rules {

double median_inplace(std::span<double> values) {
  const std::size_t n = values.size();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  if (n % 2 == 1) return values[n / 2];
  return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

AggregateResult aggregate_median(std::span<const double> prices, const AggregateConfig& config) {
  AggregateResult result;
  const std::size_t n = std::min(prices.size(), kMaxAggregateSources);
  std::array<double, kMaxAggregateSources> valid{};
  std::array<std::size_t, kMaxAggregateSources> valid_index{};
  std::size_t n_valid = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double p = prices[i];
    if (std::isfinite(p) && p > 0.0) {
      valid[n_valid] = p;
      valid_index[n_valid] = i;
      ++n_valid;
    } else {
      ++result.excluded;
      result.excluded_mask |= std::uint64_t{1} << i;
    }
  }

  // The reference a source is compared with: the median of all valid sources when there are three
  // or more (a leave-one-out median would be dragged by the very outlier it should catch), the
  // other source when there are two.
  std::array<double, kMaxAggregateSources> scratch{};
  std::copy_n(valid.begin(), n_valid, scratch.begin());
  const double overall = median_inplace(std::span<double>(scratch.data(), n_valid));
  std::array<double, kMaxAggregateSources> kept{};
  std::size_t n_kept = 0;
  for (std::size_t i = 0; i < n_valid; ++i) {
    bool outlier = false;
    if (n_valid >= 2) {
      const double reference = n_valid == 2 ? valid[1 - i] : overall;
      const double deviation_pct = std::abs(valid[i] - reference) * 100.0 / reference;
      outlier = deviation_pct > config.max_deviation_pct;
    }
    if (outlier) {
      ++result.excluded;
      result.excluded_mask |= std::uint64_t{1} << valid_index[i];
    } else {
      kept[n_kept++] = valid[i];
    }
  }

  result.used = static_cast<std::uint32_t>(n_kept);
  if (n_kept == 0 || n_kept < config.min_sources) return result;
  result.has_value = true;
  result.value = median_inplace(std::span<double>(kept.data(), n_kept));
  return result;
}

}  // namespace hashwatch::rules
