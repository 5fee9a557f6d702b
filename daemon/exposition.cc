#include "daemon/exposition.h"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "connectors/common/parse_util.h"

namespace hashwatch::daemon {

void LatencyHistogram::observe_ns(TimeNs ns) {
  if (ns < 0) ns = 0;
  const double s = static_cast<double>(ns) / 1e9;
  std::size_t i = 0;
  while (i < kBoundsSeconds.size() && s > kBoundsSeconds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

LatencyHistogram::Reading LatencyHistogram::read() const {
  Reading r;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBoundsSeconds.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    r.cumulative[i] = running;
  }
  r.count = running + buckets_[kBoundsSeconds.size()].load(std::memory_order_relaxed);
  r.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return r;
}

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Help text of the engine series the daemon knows; others get a generic line.
const std::map<std::string, std::string, std::less<>>& series_help() {
  static const std::map<std::string, std::string, std::less<>> help{
      {"btc_usd", "BTC price in USD: per exchange (source label) and the aggregate median."},
      {"btc_usd_sources_used", "Exchange prices that entered the aggregate btc_usd."},
      {"block_height", "Height of the chain tip."},
      {"difficulty", "Current network difficulty."},
      {"fees_per_block_btc", "Mean transaction fees per block over the fee window, BTC."},
      {"network_hashrate_hs", "Estimated network hashrate, hashes per second."},
      {"block_subsidy_btc", "Block subsidy at the tip height, BTC."},
      {"hashprice_btc_per_ph_day", "Expected BTC earned by 1 PH/s in one day."},
      {"hashprice_usd_per_ph_day", "Expected USD earned by 1 PH/s in one day."},
  };
  return help;
}

ClientMetric metric(std::vector<ClientMetric::Label> labels, double value, MetricType type) {
  ClientMetric m;
  m.label = std::move(labels);
  if (type == MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  return m;
}

MetricFamily family(std::string name, std::string help, MetricType type) {
  return MetricFamily{std::move(name), std::move(help), type, {}};
}

}  // namespace

std::string render_metrics(const Snapshot& snapshot, const rules::SeriesRegistry& registry,
                           std::span<const FeedView> feeds, const DaemonStats& daemon) {
  std::vector<MetricFamily> families;
  // Engine series: one gauge family per name; stale or absent values are not exported, so
  // Prometheus sees them disappear (its own staleness) while hashwatch_feed_up says why.
  std::map<std::string, std::size_t, std::less<>> index;
  for (rules::SeriesId id = 0; id < snapshot.states.size(); ++id) {
    const rules::SeriesState& s = snapshot.states[id];
    if (!s.has_value || s.stale) continue;
    const rules::SeriesInfo& info = registry.info(id);
    auto it = index.find(info.name);
    if (it == index.end()) {
      const auto& help = series_help();
      auto h = help.find(info.name);
      // Recording rules name their outputs level:metric:operation; in an exporter a colon is
      // reserved (promtool rejects it), so the exported name uses '_' where the rule said ':'.
      std::string exported = "hashwatch_" + info.name;
      std::replace(exported.begin(), exported.end(), ':', '_');
      families.push_back(family(std::move(exported),
                                h != help.end() ? h->second : "Engine series " + info.name + ".",
                                MetricType::Gauge));
      it = index.emplace(info.name, families.size() - 1).first;
    }
    std::vector<ClientMetric::Label> labels;
    for (const auto& [k, v] : info.labels) labels.push_back({k, v});
    families[it->second].metric.push_back(metric(std::move(labels), s.value, MetricType::Gauge));
  }

  auto up = family("hashwatch_feed_up", "1 when the feed is connected and fresh.", MetricType::Gauge);
  auto last = family("hashwatch_feed_last_event_timestamp_seconds",
                     "Receive time of the feed's last message, Unix seconds.", MetricType::Gauge);
  auto messages = family("hashwatch_feed_messages_total", "Messages received from the feed.",
                         MetricType::Counter);
  auto errors = family("hashwatch_feed_errors_total", "Feed errors by kind.", MetricType::Counter);
  auto reconnects = family("hashwatch_feed_reconnects_total",
                           "Reconnects (or failed poll cycles) of the feed.", MetricType::Counter);
  auto gaps = family("hashwatch_feed_sequence_gaps_total",
                     "Messages the feed's sequence numbers show were lost.", MetricType::Counter);
  for (const FeedView& f : feeds) {
    const auto& st = *f.stats;
    std::vector<ClientMetric::Label> l{{"feed", f.name}};
    up.metric.push_back(metric(l, st.up.load() ? 1 : 0, MetricType::Gauge));
    last.metric.push_back(
        metric(l, static_cast<double>(st.last_event_ns.load()) / 1e9, MetricType::Gauge));
    messages.metric.push_back(metric(l, static_cast<double>(st.messages.load()), MetricType::Counter));
    reconnects.metric.push_back(
        metric(l, static_cast<double>(st.reconnects.load()), MetricType::Counter));
    gaps.metric.push_back(
        metric(l, static_cast<double>(st.sequence_gaps.load()), MetricType::Counter));
    for (std::size_t k = 0; k < static_cast<std::size_t>(connectors::ErrorKind::kCount); ++k) {
      const auto kind = static_cast<connectors::ErrorKind>(k);
      errors.metric.push_back(metric({{"feed", f.name}, {"kind", std::string(connectors::error_kind_name(kind))}},
                                     static_cast<double>(st.error_count(kind)), MetricType::Counter));
    }
  }
  for (auto* f : {&up, &last, &messages, &errors, &reconnects, &gaps}) {
    if (!f->metric.empty()) families.push_back(std::move(*f));
  }

  auto events = family("hashwatch_engine_events_total", "Events applied by the engine.",
                       MetricType::Counter);
  events.metric.push_back(metric({}, static_cast<double>(snapshot.counters.events), MetricType::Counter));
  families.push_back(std::move(events));
  auto queue_full = family("hashwatch_engine_queue_full_total",
                           "Events dropped because the engine queue was full.", MetricType::Counter);
  queue_full.metric.push_back(metric({}, static_cast<double>(daemon.queue_full.load()), MetricType::Counter));
  families.push_back(std::move(queue_full));
  auto excluded = family("hashwatch_price_source_exclusions_total",
                         "Exchange prices excluded from the aggregate (invalid or outlier).",
                         MetricType::Counter);
  excluded.metric.push_back(
      metric({}, static_cast<double>(snapshot.counters.price_exclusions), MetricType::Counter));
  families.push_back(std::move(excluded));
  auto reload_ok = family("hashwatch_config_last_reload_successful",
                          "1 when the last configuration reload succeeded.", MetricType::Gauge);
  reload_ok.metric.push_back(metric({}, daemon.last_reload_ok.load() ? 1 : 0, MetricType::Gauge));
  families.push_back(std::move(reload_ok));
  auto reload_ts = family("hashwatch_config_last_reload_success_timestamp_seconds",
                          "Time of the last successful configuration load, Unix seconds.",
                          MetricType::Gauge);
  reload_ts.metric.push_back(metric(
      {}, static_cast<double>(daemon.last_reload_success_ns.load()) / 1e9, MetricType::Gauge));
  families.push_back(std::move(reload_ts));

  // Rules and alerts: every alerting rule shows pending and firing, zero included.
  auto alerts = family("hashwatch_alerts", "Alert instances by alert name and state.", MetricType::Gauge);
  std::map<std::pair<std::string, std::string>, double> alert_counts;
  for (const std::string& name : snapshot.alert_rules) {
    alert_counts[{name, "pending"}] += 0;
    alert_counts[{name, "firing"}] += 0;
  }
  for (const rules::AlertView& v : snapshot.alerts) alert_counts[{v.rule, rules::alerts::state_name(v.alert.state)}] += 1;
  for (const auto& [key, n] : alert_counts) {
    alerts.metric.push_back(metric({{"alertname", key.first}, {"state", key.second}}, n, MetricType::Gauge));
  }
  if (!alerts.metric.empty()) families.push_back(std::move(alerts));
  auto scalar = [&](std::string name, std::string help, MetricType type, double value) {
    auto f = family(std::move(name), std::move(help), type);
    f.metric.push_back(metric({}, value, type));
    families.push_back(std::move(f));
  };
  scalar("hashwatch_rules_loaded", "Recording and alerting rules in force.", MetricType::Gauge,
         static_cast<double>(snapshot.rule_count));
  scalar("hashwatch_rule_evaluations_total", "Rule evaluations (each triggered by a change it reads, or a tick).",
         MetricType::Counter, static_cast<double>(snapshot.rule_counters.evaluations));
  scalar("hashwatch_rule_evaluation_failures_total", "Rule evaluations that failed (e.g. a many-to-one match).",
         MetricType::Counter, static_cast<double>(snapshot.rule_counters.evaluation_failures));
  scalar("hashwatch_alert_transitions_total", "Alert notifications generated (firing, repeated, resolved).",
         MetricType::Counter, static_cast<double>(snapshot.rule_counters.transitions));
  scalar("hashwatch_outbox_entries", "Alert notifications in the durable outbox, waiting for delivery.",
         MetricType::Gauge, static_cast<double>(snapshot.outbox_depth));
  scalar("hashwatch_state_write_failures_total", "State database writes that failed (they are retried).",
         MetricType::Counter, static_cast<double>(snapshot.state_write_failures));

  auto hist = family("hashwatch_event_to_decision_seconds",
                     "Time from socket read to the engine's decision on the event.",
                     MetricType::Histogram);
  const auto reading = daemon.event_to_decision.read();
  ClientMetric hm;
  hm.histogram.sample_count = reading.count;
  hm.histogram.sample_sum = reading.sum_seconds;
  for (std::size_t i = 0; i < LatencyHistogram::kBoundsSeconds.size(); ++i) {
    hm.histogram.bucket.push_back({reading.cumulative[i], LatencyHistogram::kBoundsSeconds[i]});
  }
  hm.histogram.bucket.push_back({reading.count, std::numeric_limits<double>::infinity()});
  hist.metric.push_back(std::move(hm));
  families.push_back(std::move(hist));

  auto build = family("hashwatch_build_info", "Build information; always 1.", MetricType::Gauge);
  build.metric.push_back(metric({{"version", HASHWATCH_VERSION}}, 1, MetricType::Gauge));
  families.push_back(std::move(build));

  return prometheus::TextSerializer().Serialize(families);
}

std::string render_snapshot_json(const Snapshot& snapshot, const rules::SeriesRegistry& registry,
                                 std::span<const FeedView> feeds) {
  namespace json = boost::json;
  json::object root;
  root["engine_time"] = connectors::format_rfc3339_ms(snapshot.engine_time_ns);
  root["published_at"] = connectors::format_rfc3339_ms(snapshot.published_at_ns);
  json::array series;
  for (rules::SeriesId id = 0; id < snapshot.states.size(); ++id) {
    const rules::SeriesState& s = snapshot.states[id];
    if (!s.has_value) continue;
    const rules::SeriesInfo& info = registry.info(id);
    json::object o;
    o["name"] = info.name;
    json::object labels;
    for (const auto& [k, v] : info.labels) labels[k] = v;
    o["labels"] = std::move(labels);
    o["value"] = s.value;
    o["stale"] = s.stale;
    if (s.source_time_ns != 0) o["source_time"] = connectors::format_rfc3339_ms(s.source_time_ns);
    o["received_at"] = connectors::format_rfc3339_ms(s.recv_time_ns);
    o["changed_at"] = connectors::format_rfc3339_ms(s.changed_at_ns);
    series.push_back(std::move(o));
  }
  root["series"] = std::move(series);
  json::array fa;
  for (const FeedView& f : feeds) {
    json::object o;
    o["name"] = f.name;
    o["kind"] = f.kind;
    o["required"] = f.required;
    o["up"] = f.stats->up.load();
    o["messages"] = f.stats->messages.load();
    o["reconnects"] = f.stats->reconnects.load();
    const TimeNs last = f.stats->last_event_ns.load();
    if (last != 0) o["last_event_at"] = connectors::format_rfc3339_ms(last);
    fa.push_back(std::move(o));
  }
  root["feeds"] = std::move(fa);
  json::object price;
  price["sources_used"] = snapshot.price_aggregate.used;
  price["sources_excluded"] = snapshot.price_aggregate.excluded;
  root["price"] = std::move(price);
  return json::serialize(root) + "\n";
}

}  // namespace hashwatch::daemon
