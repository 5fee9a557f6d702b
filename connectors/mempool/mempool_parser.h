// Parses mempool.space REST responses: tip height (text/plain), mining/hashrate (difficulty and
// hashrate as JSON doubles, possibly > int64) and mining/reward-stats (sums as JSON strings).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"

namespace hashwatch::connectors::mempool {


// GET /api/blocks/tip/height: a decimal integer with no newline.
ParseStatus parse_tip_height(std::string_view body, std::int64_t& height);

struct HashrateInfo {
  double current_difficulty = 0.0;
  std::optional<double> current_hashrate_hs;  // absent when the backend reports 0 (node down)
};
// GET /api/v1/mining/hashrate/{period}. `body` must be followed by kFramePadding bytes.
ParseStatus parse_hashrate(std::string_view body, JsonParser& parser,
                           HashrateInfo& out);

struct RewardStats {
  std::int64_t start_block = 0;
  std::int64_t end_block = 0;
  std::int64_t total_fee_sats = 0;
  std::int64_t total_reward_sats = 0;
  std::int64_t blocks() const { return end_block - start_block + 1; }
  double fees_per_block_btc() const;
};
// GET /api/v1/mining/reward-stats/{n}. `body` must be followed by kFramePadding bytes.
ParseStatus parse_reward_stats(std::string_view body, JsonParser& parser,
                               RewardStats& out);

// GET /api/v1/difficulty-adjustment: the projected change at the next retarget, percent.
ParseStatus parse_difficulty_adjustment(std::string_view body, JsonParser& parser,
                                        double& change_pct);

}  // namespace hashwatch::connectors::mempool
