// What the daemon shows: the engine's published Snapshot, rendered as Prometheus text (/metrics)
// and JSON (/api/v1/snapshot), together with feed health counters and the daemon's own metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "connectors/common/feed_stats.h"
#include "rules/engine.h"
#include "rules/rule_runtime.h"
#include "rules/series_registry.h"

namespace hashwatch::daemon {

// Immutable copy of engine state, published by the engine thread, read by HTTP.
struct Snapshot {
  TimeNs engine_time_ns = 0;
  TimeNs published_at_ns = 0;
  std::vector<rules::SeriesState> states;  // indexed by SeriesId
  rules::EngineCounters counters;
  rules::AggregateResult price_aggregate;
  rules::ModelSeries model{};
  // Rules and alerts
  std::vector<std::string> alert_rules;     // alertname of every alerting rule (for zero-valued gauges)
  std::size_t rule_count = 0;
  std::vector<rules::AlertView> alerts;     // pending and firing instances
  rules::RuleCounters rule_counters;
  std::uint64_t outbox_depth = 0;           // transitions waiting for delivery
  std::uint64_t state_write_failures = 0;   // failed RocksDB commits (retried)
};

// Socket read to engine decision, observed on the engine thread; lock-free.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 14> kBoundsSeconds{
      1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0};
  void observe_ns(TimeNs ns);
  struct Reading {
    std::array<std::uint64_t, kBoundsSeconds.size()> cumulative{};
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  Reading read() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBoundsSeconds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

struct DaemonStats {
  std::atomic<std::uint64_t> queue_full{0};
  std::atomic<bool> last_reload_ok{true};
  std::atomic<TimeNs> last_reload_success_ns{0};
  std::atomic<std::uint64_t> reloads{0};
  LatencyHistogram event_to_decision;
};

struct FeedView {
  std::string name;
  std::string kind;
  bool required = true;
  connectors::FeedStats* stats = nullptr;
};

std::string render_metrics(const Snapshot& snapshot, const rules::SeriesRegistry& registry,
                           std::span<const FeedView> feeds, const DaemonStats& daemon);

std::string render_snapshot_json(const Snapshot& snapshot, const rules::SeriesRegistry& registry,
                                 std::span<const FeedView> feeds);

}  // namespace hashwatch::daemon
