// Mean transaction fees per block over the last N blocks, from per-block fees keyed by height.
// A height seen again (a reorg) replaces its fees; heights that fall out of the window are dropped.
// The mean exists only when every height of the window (tip - N, tip] is known.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>

namespace hashwatch::connectors {

class FeeWindow {
 public:
  explicit FeeWindow(std::int64_t blocks) : blocks_(blocks) {}

  void add(std::int64_t height, std::int64_t fees_sats);
  // Moves the tip (drops heights beyond a lower tip after a reorg, and below the window).
  void set_tip(std::int64_t tip);
  std::int64_t tip() const { return tip_; }
  // First height of the window that is not known yet, or std::nullopt when the window is complete.
  std::optional<std::int64_t> first_missing() const;
  std::optional<double> mean_fees_sats() const;
  std::int64_t blocks() const { return blocks_; }

 private:
  std::int64_t lowest() const { return tip_ - blocks_ + 1; }
  void trim();

  std::int64_t blocks_;
  std::int64_t tip_ = -1;
  std::map<std::int64_t, std::int64_t> fees_;  // height → fees in satoshis
};

}  // namespace hashwatch::connectors
