// Market interval prices for a set of nodes: turns the rows of each poll into events for the
// intervals not seen yet (oldest first, stamped with the interval start in UTC), re-emits a corrected
// price of the interval in force, counts skipped intervals as sequence gaps, and remembers when new
// data last arrived (a market that stops publishing goes stale). Shared by the ISO connectors.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/common/connector.h"
#include "connectors/common/feed_stats.h"
#include "rules/series_registry.h"

namespace hashwatch::connectors {

class IntervalPrices {
 public:
  IntervalPrices(std::string_view market, const std::vector<std::string>& nodes, TimeNs interval_ns,
                 rules::SeriesRegistry& registry, FeedStats& stats, rules::SourceId source);

  // Collects one row; rows of unknown nodes are ignored. Returns false for an unknown node.
  bool offer(std::string_view node, TimeNs interval_start_ns, double price_usd_per_mwh);
  // Emits what the collected rows add, then forgets them.
  void flush(TimeNs recv_ns, EventSink& out);

  std::optional<TimeNs> last_new_data_ns() const { return last_new_data_ns_; }
  std::uint64_t missing_intervals() const { return missing_; }
  const std::vector<std::string>& nodes() const { return names_; }

 private:
  struct Node {
    rules::SeriesId series;
    TimeNs last_interval_ns = 0;
    std::map<TimeNs, double> recent;                 // for corrections, about a day
    std::vector<std::pair<TimeNs, double>> pending;  // rows of the current poll
  };
  std::vector<std::string> names_;
  std::vector<Node> nodes_;
  TimeNs interval_ns_;
  FeedStats& stats_;
  rules::SourceId source_;
  std::optional<TimeNs> last_new_data_ns_;
  std::uint64_t missing_ = 0;
};

}  // namespace hashwatch::connectors
