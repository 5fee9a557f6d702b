#include "connectors/common/fee_window.h"

namespace hashwatch::connectors {

void FeeWindow::add(std::int64_t height, std::int64_t fees_sats) {
  if (height > tip_) set_tip(height);
  if (height < lowest()) return;
  fees_[height] = fees_sats;
}

void FeeWindow::set_tip(std::int64_t tip) {
  tip_ = tip;
  fees_.erase(fees_.upper_bound(tip_), fees_.end());  // blocks above a lower tip were reorged out
  trim();
}

void FeeWindow::trim() { fees_.erase(fees_.begin(), fees_.lower_bound(lowest())); }

std::optional<std::int64_t> FeeWindow::first_missing() const {
  if (tip_ < 0) return std::nullopt;
  for (std::int64_t h = std::max<std::int64_t>(lowest(), 0); h <= tip_; ++h) {
    if (!fees_.contains(h)) return h;
  }
  return std::nullopt;
}

std::optional<double> FeeWindow::mean_fees_sats() const {
  if (tip_ < 0 || first_missing()) return std::nullopt;
  std::int64_t sum = 0;
  for (const auto& [h, f] : fees_) sum += f;
  return static_cast<double>(sum) / static_cast<double>(fees_.size());
}

}  // namespace hashwatch::connectors
