#include "connectors/common/interval_prices.h"

#include <algorithm>

namespace hashwatch::connectors {

IntervalPrices::IntervalPrices(std::string_view market, const std::vector<std::string>& nodes,
                               TimeNs interval_ns, rules::SeriesRegistry& registry, FeedStats& stats,
                               rules::SourceId source)
    : names_(nodes), interval_ns_(interval_ns), stats_(stats), source_(source) {
  for (const std::string& n : nodes) {
    nodes_.push_back(Node{registry.intern("power_price_usd_per_mwh",
                                          {{"market", std::string(market)}, {"node", n}}),
                          0, {}, {}});
  }
}

bool IntervalPrices::offer(std::string_view node, TimeNs start_ns, double price) {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == node) {
      nodes_[i].pending.emplace_back(start_ns, price);
      return true;
    }
  }
  return false;
}

void IntervalPrices::flush(TimeNs recv_ns, EventSink& out) {
  for (Node& node : nodes_) {
    std::sort(node.pending.begin(), node.pending.end());
    for (const auto& [start, price] : node.pending) {
      const bool is_new = start > node.last_interval_ns;
      auto known = node.recent.find(start);
      const bool corrected = !is_new && known != node.recent.end() && known->second != price;
      if (!is_new && !corrected) continue;
      if (is_new && node.last_interval_ns != 0 && start > node.last_interval_ns + interval_ns_) {
        const auto skipped = static_cast<std::uint64_t>((start - node.last_interval_ns) / interval_ns_ - 1);
        missing_ += skipped;
        stats_.sequence_gaps.fetch_add(skipped, std::memory_order_relaxed);
      }
      node.recent[start] = price;
      if (is_new) {
        node.last_interval_ns = start;
        last_new_data_ns_ = recv_ns;
      }
      // A correction of an older interval only matters when it is the interval in force.
      if (is_new || start == node.last_interval_ns) {
        push_or_count(out, rules::value_event(node.series, source_, price, start, recv_ns), stats_);
      }
    }
    node.pending.clear();
    while (!node.recent.empty() && node.recent.begin()->first < node.last_interval_ns - kNsPerDay) {
      node.recent.erase(node.recent.begin());
    }
  }
}

}  // namespace hashwatch::connectors
