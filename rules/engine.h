// The engine: applies events to the series store and incrementally recomputes the derived model
// (aggregate btc_usd, block subsidy, hashprice). Pure and deterministic: no I/O, no clock reads, no
// threads; time comes only from events and advance(). The same events give the same state, bit for bit.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "rules/event.h"
#include "rules/median_aggregate.h"
#include "rules/model/site_economics.h"
#include "rules/series_registry.h"

namespace hashwatch::rules {

struct SeriesState {
  double value = 0.0;
  TimeNs source_time_ns = 0;
  TimeNs recv_time_ns = 0;     // receive time of the event that last set or recomputed it
  TimeNs changed_at_ns = 0;    // engine time when the value last changed
  std::uint64_t updates = 0;
  SourceId source = 0;
  bool has_value = false;
  bool stale = false;          // its feed is down, or (derived) an input is stale
};

// A site as the engine sees it: fleet totals, economics parameters and where its power price comes
// from (a market node or tariff series plus an adder, or a fixed price; a market series to resell at).
struct SiteSpec {
  std::string name;
  FleetTotals fleet;
  SiteParams params;
  SeriesId power_series = kNoSeries;        // power_price_usd_per_mwh{market,node} paid (indexed)
  std::optional<double> fixed_usd_per_mwh;  // or a fixed contract price
  double adder_usd_per_mwh = 0.0;           // added to the indexed price
  SeriesId resale_series = kNoSeries;       // market price the site could sell at (resale)
};

struct EngineConfig {
  AggregateConfig price;
  std::vector<SiteSpec> sites;
  std::optional<double> btc_holdings;
};

struct EngineCounters {
  std::uint64_t events = 0;
  std::uint64_t ignored_events = 0;       // events for engine-owned (derived) series, or bad ids
  std::uint64_t out_of_order_events = 0;  // older source time than the stored value: ignored
  std::uint64_t lagging_events = 0;       // a source behind the chain tip others reported: ignored
  std::uint64_t price_exclusions = 0;     // source prices rejected from the aggregate (cumulative)
};

// Engine-owned series ids, interned at construction.
struct ModelSeries {
  SeriesId btc_usd;
  SeriesId block_height;
  SeriesId difficulty;
  SeriesId fees_per_block_btc;
  SeriesId block_subsidy_btc;
  SeriesId hashprice_btc_per_ph_day;
  SeriesId hashprice_usd_per_ph_day;
  SeriesId btc_usd_sources_used;
  SeriesId blocks_to_retarget;           // 2016 - height mod 2016
  SeriesId network_hashrate_implied_hs;  // difficulty * 2^32 / 600
};

class Engine {
 public:
  explicit Engine(SeriesRegistry& registry, EngineConfig config = {});

  void apply(const Event& event);
  // Moves the engine clock forward (never back). Time-driven work hooks in here.
  void advance(TimeNs now_ns);
  // Replaces the configuration and recomputes every derived value.
  void set_config(const EngineConfig& config);

  TimeNs now() const { return now_ns_; }
  const EngineConfig& config() const { return config_; }
  const ModelSeries& model() const { return model_; }
  const EngineCounters& counters() const { return counters_; }
  const AggregateResult& price_aggregate() const { return aggregate_; }
  bool feed_up(SourceId source) const;

  // State of every series seen so far, indexed by SeriesId (may be shorter than the registry).
  std::span<const SeriesState> states() const { return states_; }
  const SeriesState* state(SeriesId id) const;
  // Value if present and not stale.
  bool fresh_value(SeriesId id, double& out) const;
  // Mode in force at each site (config order); std::nullopt until its inputs exist.
  std::optional<SiteMode> site_mode(std::size_t site) const;

  // Series whose value, presence or staleness changed since clear_changed(), each listed once
  // (bounded by the number of series). The rule runtime consumes it.
  std::span<const SeriesId> changed() const { return changed_; }
  void clear_changed();
  // A recording rule's output: engine-owned from now on (events for it are ignored). Returns
  // whether its value or presence changed.
  bool set_rule_output(SeriesId id, bool present, double value);

 private:
  enum class Role : std::uint8_t {
    kUnknown, kOther, kBtcUsdSource, kBlockHeight, kDifficulty, kFeesPerBlock, kHashpriceIndex,
    kPowerPrice, kDerived
  };

  Role role_of(SeriesId id);
  void ensure_series(SeriesId id);
  void ensure_source(SourceId source);
  void set_feed(SourceId source, bool up);
  void on_input_changed(Role role);
  void recompute_price();
  void recompute_subsidy();
  void recompute_hashprice();
  void recompute_divergence(std::size_t index);
  void recompute_sites();
  void intern_site_series();
  void set_derived(SeriesId id, bool has_value, double value, bool stale, TimeNs source_time_ns);
  void note_changed(SeriesId id) {
    if (changed_flag_[id] != 0) return;
    changed_flag_[id] = 1;
    changed_.push_back(id);
  }

  SeriesRegistry& registry_;
  EngineConfig config_;
  ModelSeries model_{};
  TimeNs now_ns_ = 0;
  TimeNs trigger_recv_ns_ = 0;
  std::vector<SeriesState> states_;
  std::vector<Role> roles_;
  std::vector<SeriesId> changed_;
  std::vector<std::uint8_t> changed_flag_;  // per series: listed in changed_
  std::vector<std::uint8_t> feed_up_;                // per source; 1 until a kFeedDown arrives
  std::vector<TimeNs> feed_down_at_;                 // per source: when it last went down
  std::vector<std::vector<SeriesId>> source_series_; // series last set by each source
  std::vector<double> source_height_;                // last block_height each source reported
  std::vector<SeriesId> price_sources_;              // btc_usd{source=...} series
  // hashprice_index_usd_per_ph_day{source} and its hashprice_index_divergence_pct{source}
  std::vector<std::pair<SeriesId, SeriesId>> index_divergence_;
  std::vector<double> price_scratch_;
  AggregateResult aggregate_;
  EngineCounters counters_;
  struct SiteSeries {
    SeriesId hashrate, power_mw, efficiency, power_price, revenue, breakeven, mining_margin,
        hosting_margin, curtail_value, mode[3], profit_per_day, btc_per_day, cost_per_btc;
    std::optional<SiteMode> mode_in_force;
  };
  std::vector<SiteSeries> site_series_;  // parallel to config_.sites
  SeriesId treasury_value_ = kNoSeries, fleet_btc_per_day_ = kNoSeries;
};

}  // namespace hashwatch::rules
