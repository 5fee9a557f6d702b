#include "rules/engine.h"

#include <algorithm>
#include <cmath>

#include "rules/hashprice.h"

namespace hashwatch::rules {

Engine::Engine(SeriesRegistry& registry, EngineConfig config)
    : registry_(registry), config_(config) {
  model_.btc_usd = registry_.intern("btc_usd");
  model_.block_height = registry_.intern("block_height");
  model_.difficulty = registry_.intern("difficulty");
  model_.fees_per_block_btc = registry_.intern("fees_per_block_btc");
  model_.block_subsidy_btc = registry_.intern("block_subsidy_btc");
  model_.hashprice_btc_per_ph_day = registry_.intern("hashprice_btc_per_ph_day");
  model_.hashprice_usd_per_ph_day = registry_.intern("hashprice_usd_per_ph_day");
  model_.btc_usd_sources_used = registry_.intern("btc_usd_sources_used");
  model_.blocks_to_retarget = registry_.intern("blocks_to_retarget");
  model_.network_hashrate_implied_hs = registry_.intern("network_hashrate_implied_hs");
  price_scratch_.reserve(kMaxAggregateSources);
  intern_site_series();
  for (SeriesId id : {model_.btc_usd, model_.block_subsidy_btc, model_.hashprice_btc_per_ph_day,
                      model_.hashprice_usd_per_ph_day, model_.btc_usd_sources_used,
                      model_.blocks_to_retarget, model_.network_hashrate_implied_hs}) {
    ensure_series(id);
  }
}

void Engine::ensure_series(SeriesId id) {
  if (id >= states_.size()) {
    states_.resize(id + 1);
    roles_.resize(id + 1, Role::kUnknown);
    changed_flag_.resize(id + 1, 0);
  }
}

void Engine::ensure_source(SourceId source) {
  if (source >= feed_up_.size()) {
    feed_up_.resize(source + 1, 1);
    source_series_.resize(source + 1);
    source_height_.resize(source + 1, -1);
    feed_down_at_.resize(source + 1, 0);
  }
}

Engine::Role Engine::role_of(SeriesId id) {
  ensure_series(id);
  Role& role = roles_[id];
  if (role != Role::kUnknown) return role;
  if (id == model_.btc_usd || id == model_.block_subsidy_btc ||
      id == model_.hashprice_btc_per_ph_day || id == model_.hashprice_usd_per_ph_day ||
      id == model_.btc_usd_sources_used || id == model_.blocks_to_retarget ||
      id == model_.network_hashrate_implied_hs) {
    role = Role::kDerived;
  } else if (id == model_.block_height) {
    role = Role::kBlockHeight;
  } else if (id == model_.difficulty) {
    role = Role::kDifficulty;
  } else if (id == model_.fees_per_block_btc) {
    role = Role::kFeesPerBlock;
  } else {
    const SeriesInfo& info = registry_.info(id);
    if (info.name == "btc_usd" && !SeriesRegistry::label(info, "source").empty()) {
      role = Role::kBtcUsdSource;
      price_sources_.push_back(id);
    } else if (info.name == "hashprice_index_usd_per_ph_day") {
      role = Role::kHashpriceIndex;
      const SeriesId divergence = registry_.intern("hashprice_index_divergence_pct", info.labels);
      ensure_series(divergence);
      roles_[divergence] = Role::kDerived;
      index_divergence_.emplace_back(id, divergence);
    } else if (info.name == "hashprice_index_divergence_pct") {
      role = Role::kDerived;
    } else if (info.name == "power_price_usd_per_mwh") {
      role = Role::kPowerPrice;
    } else {
      role = Role::kOther;
    }
  }
  return role;
}

bool Engine::feed_up(SourceId source) const {
  return source >= feed_up_.size() || feed_up_[source] != 0;
}

const SeriesState* Engine::state(SeriesId id) const {
  return id < states_.size() ? &states_[id] : nullptr;
}

bool Engine::fresh_value(SeriesId id, double& out) const {
  const SeriesState* s = state(id);
  if (s == nullptr || !s->has_value || s->stale) return false;
  out = s->value;
  return true;
}

void Engine::clear_changed() {
  for (SeriesId id : changed_) changed_flag_[id] = 0;
  changed_.clear();
}

bool Engine::set_rule_output(SeriesId id, bool present, double value) {
  ensure_series(id);
  roles_[id] = Role::kDerived;
  const SeriesState before = states_[id];
  set_derived(id, present, value, false, now_ns_);
  const SeriesState& after = states_[id];
  return before.has_value != after.has_value || (after.has_value && !(before.value == after.value));
}

void Engine::advance(TimeNs now_ns) { now_ns_ = std::max(now_ns_, now_ns); }

void Engine::apply(const Event& event) {
  ++counters_.events;
  advance(event.recv_time_ns);
  trigger_recv_ns_ = event.recv_time_ns;
  ensure_source(event.source);

  if (event.kind != EventKind::kValue) {
    set_feed(event.source, event.kind == EventKind::kFeedUp);
    return;
  }
  // Only a series the engine has not seen yet costs a registry look-up (and its lock).
  if (event.series == kNoSeries ||
      (event.series >= roles_.size() && event.series >= registry_.series_count())) {
    ++counters_.ignored_events;
    return;
  }
  const Role role = role_of(event.series);
  if (role == Role::kDerived) {
    ++counters_.ignored_events;
    return;
  }
  SeriesState& s = states_[event.series];
  if (s.has_value && s.source == event.source && event.source_time_ns != 0 &&
      event.source_time_ns < s.source_time_ns) {
    ++counters_.out_of_order_events;
    return;
  }
  // Several network sources (mempool REST and WebSocket, bitcoind) see a new block at different
  // moments: the chain tip never moves back to a lagging source's view, and difficulty is taken
  // only from a source that has seen the current tip.
  if (role == Role::kBlockHeight) {
    source_height_[event.source] = event.value;
    if (s.has_value && !s.stale && s.source != event.source && event.value < s.value) {
      ++counters_.lagging_events;
      return;
    }
  } else if (role == Role::kDifficulty) {
    const SeriesState* h = state(model_.block_height);
    if (h != nullptr && h->has_value && !h->stale && source_height_[event.source] >= 0 &&
        source_height_[event.source] < h->value) {
      ++counters_.lagging_events;
      return;
    }
  }
  if (!s.has_value || s.source != event.source) {
    auto& list = source_series_[event.source];
    if (std::find(list.begin(), list.end(), event.series) == list.end()) {
      list.push_back(event.series);
    }
  }
  const bool changed = !s.has_value || s.value != event.value || s.stale;
  if (changed) {
    s.changed_at_ns = now_ns_;
    note_changed(event.series);
  }
  s.value = event.value;
  s.source_time_ns = event.source_time_ns;
  s.recv_time_ns = event.recv_time_ns;
  s.source = event.source;
  s.has_value = true;
  s.stale = !feed_up(event.source);
  ++s.updates;
  on_input_changed(role);
}

void Engine::set_feed(SourceId source, bool up) {
  ensure_source(source);
  if ((feed_up_[source] != 0) == up) return;
  feed_up_[source] = up ? 1 : 0;
  if (!up) feed_down_at_[source] = now_ns_;
  bool price = false, network = false;
  for (SeriesId id : source_series_[source]) {
    SeriesState& s = states_[id];
    if (!s.has_value || s.source != source) continue;
    // Coming back up revives only values received since the feed went down (a poll cycle pushes
    // its values before it is declared up); older values stay stale until replaced.
    const bool stale = !up || s.recv_time_ns < feed_down_at_[source];
    if (stale != s.stale) note_changed(id);
    s.stale = stale;
    const Role role = roles_[id];
    price |= role == Role::kBtcUsdSource;
    network |= role == Role::kBlockHeight || role == Role::kDifficulty ||
               role == Role::kFeesPerBlock;
    if (role == Role::kPowerPrice) recompute_sites();
    if (role == Role::kHashpriceIndex) {
      for (std::size_t i = 0; i < index_divergence_.size(); ++i) {
        if (index_divergence_[i].first == id) recompute_divergence(i);
      }
    }
  }
  if (price) on_input_changed(Role::kBtcUsdSource);
  if (network) on_input_changed(Role::kBlockHeight);
}

void Engine::set_config(const EngineConfig& config) {
  config_ = config;
  intern_site_series();
  recompute_price();
  recompute_subsidy();
  recompute_hashprice();
}

void Engine::on_input_changed(Role role) {
  switch (role) {
    case Role::kBtcUsdSource:
      recompute_price();
      recompute_hashprice();
      break;
    case Role::kBlockHeight:
      recompute_subsidy();
      recompute_hashprice();
      break;
    case Role::kDifficulty:
    case Role::kFeesPerBlock:
      recompute_hashprice();
      break;
    case Role::kHashpriceIndex:
      for (std::size_t i = 0; i < index_divergence_.size(); ++i) recompute_divergence(i);
      break;
    case Role::kPowerPrice:
      recompute_sites();
      break;
    default:
      break;
  }
}

void Engine::set_derived(SeriesId id, bool has_value, double value, bool stale,
                         TimeNs source_time_ns) {
  SeriesState& s = states_[id];
  if (!has_value) {
    if (s.has_value) {
      s.changed_at_ns = now_ns_;
      note_changed(id);
    }
    s.has_value = false;
    s.stale = false;
    return;
  }
  if (!s.has_value || s.value != value || s.stale != stale) {
    s.changed_at_ns = now_ns_;
    note_changed(id);
  }
  s.value = value;
  s.stale = stale;
  s.has_value = true;
  s.source_time_ns = source_time_ns;
  s.recv_time_ns = trigger_recv_ns_;
  ++s.updates;
}

void Engine::recompute_price() {
  price_scratch_.clear();
  TimeNs newest_source_time = 0;
  for (SeriesId id : price_sources_) {
    const SeriesState& s = states_[id];
    if (!s.has_value || s.stale) continue;
    if (price_scratch_.size() == kMaxAggregateSources) break;
    price_scratch_.push_back(s.value);
    newest_source_time = std::max(newest_source_time, s.source_time_ns);
  }
  const std::uint32_t previously_excluded = aggregate_.excluded;
  aggregate_ = aggregate_median(price_scratch_, config_.price);
  // Count each newly excluded source once per transition, not on every tick it stays excluded.
  if (aggregate_.excluded > previously_excluded) {
    counters_.price_exclusions += aggregate_.excluded - previously_excluded;
  }
  set_derived(model_.btc_usd, aggregate_.has_value, aggregate_.value, false, newest_source_time);
  set_derived(model_.btc_usd_sources_used, true, static_cast<double>(aggregate_.used), false,
              newest_source_time);
}

void Engine::recompute_subsidy() {
  const SeriesState* h = state(model_.block_height);
  if (h == nullptr || !h->has_value) {
    set_derived(model_.block_subsidy_btc, false, 0, false, 0);
    set_derived(model_.blocks_to_retarget, false, 0, false, 0);
    return;
  }
  const auto height = static_cast<std::int64_t>(std::llround(h->value));
  set_derived(model_.block_subsidy_btc, true, block_subsidy_btc(height), h->stale,
              h->source_time_ns);
  set_derived(model_.blocks_to_retarget, true,
              static_cast<double>(blocks_to_retarget(height)), h->stale, h->source_time_ns);
}

void Engine::recompute_divergence(std::size_t index) {
  const auto [index_id, divergence_id] = index_divergence_[index];
  const SeriesState& idx = states_[index_id];
  const SeriesState& computed = states_[model_.hashprice_usd_per_ph_day];
  if (!idx.has_value || !computed.has_value || !(computed.value > 0)) {
    set_derived(divergence_id, false, 0, false, 0);
    return;
  }
  set_derived(divergence_id, true, (idx.value - computed.value) * 100.0 / computed.value,
              idx.stale || computed.stale, std::max(idx.source_time_ns, computed.source_time_ns));
}

void Engine::recompute_hashprice() {
  const SeriesState& subsidy = states_[model_.block_subsidy_btc];
  const SeriesState* fees = state(model_.fees_per_block_btc);
  const SeriesState* difficulty = state(model_.difficulty);
  const bool inputs = subsidy.has_value && fees != nullptr && fees->has_value &&
                      difficulty != nullptr && difficulty->has_value;
  if (difficulty != nullptr && difficulty->has_value) {
    set_derived(model_.network_hashrate_implied_hs, true,
                network_hashrate_implied_hs(difficulty->value), difficulty->stale,
                difficulty->source_time_ns);
  }
  if (!inputs) {
    set_derived(model_.hashprice_btc_per_ph_day, false, 0, false, 0);
    set_derived(model_.hashprice_usd_per_ph_day, false, 0, false, 0);
    for (std::size_t i = 0; i < index_divergence_.size(); ++i) recompute_divergence(i);
    recompute_sites();
    return;
  }
  const double btc = hashprice_btc_per_ph_day(subsidy.value, fees->value, difficulty->value);
  const bool stale = subsidy.stale || fees->stale || difficulty->stale;
  const TimeNs t = std::max({subsidy.source_time_ns, fees->source_time_ns,
                             difficulty->source_time_ns});
  set_derived(model_.hashprice_btc_per_ph_day, std::isfinite(btc), btc, stale, t);

  const SeriesState& price = states_[model_.btc_usd];
  if (!std::isfinite(btc) || !price.has_value) {
    set_derived(model_.hashprice_usd_per_ph_day, false, 0, false, 0);
  } else {
    set_derived(model_.hashprice_usd_per_ph_day, true, hashprice_usd_per_ph_day(btc, price.value),
                stale || price.stale, std::max(t, price.source_time_ns));
  }
  for (std::size_t i = 0; i < index_divergence_.size(); ++i) recompute_divergence(i);
  recompute_sites();
}

std::optional<SiteMode> Engine::site_mode(std::size_t site) const {
  return site < site_series_.size() ? site_series_[site].mode_in_force : std::nullopt;
}

void Engine::intern_site_series() {
  std::vector<SiteSeries> next;
  for (const SiteSpec& site : config_.sites) {
    auto id = [&](const char* name) {
      const SeriesId s = registry_.intern(name, {{"site", site.name}});
      ensure_series(s);
      roles_[s] = Role::kDerived;
      return s;
    };
    SiteSeries ss{};
    ss.hashrate = id("site_hashrate_ph_per_second");
    ss.power_mw = id("site_power_mw");
    ss.efficiency = id("site_efficiency_j_per_th");
    ss.power_price = id("site_power_price_usd_per_mwh");
    ss.revenue = id("site_mining_revenue_usd_per_mwh");
    ss.breakeven = id("site_breakeven_power_usd_per_mwh");
    ss.mining_margin = id("site_mining_margin_usd_per_mwh");
    ss.hosting_margin = id("site_hosting_margin_usd_per_mwh");
    ss.curtail_value = id("site_curtail_value_usd_per_mwh");
    for (SiteMode m : {SiteMode::kMine, SiteMode::kHost, SiteMode::kCurtail}) {
      const SeriesId s = registry_.intern("site_mode", {{"site", site.name}, {"mode", site_mode_name(m)}});
      ensure_series(s);
      roles_[s] = Role::kDerived;
      ss.mode[static_cast<int>(m)] = s;
    }
    ss.profit_per_day = id("site_mining_profit_usd_per_day");
    ss.btc_per_day = id("site_btc_per_day");
    ss.cost_per_btc = id("site_cost_per_btc_usd");
    // A reload keeps the mode in force of a site that still exists (hysteresis continues).
    for (std::size_t i = 0; i < site_series_.size(); ++i) {
      if (site_series_[i].hashrate == ss.hashrate) ss.mode_in_force = site_series_[i].mode_in_force;
    }
    next.push_back(ss);
  }
  site_series_ = std::move(next);
  treasury_value_ = registry_.intern("treasury_value_usd");
  fleet_btc_per_day_ = registry_.intern("fleet_btc_per_day");
  for (SeriesId s : {treasury_value_, fleet_btc_per_day_}) {
    ensure_series(s);
    roles_[s] = Role::kDerived;
  }
}

void Engine::recompute_sites() {
  double price_value = 0;
  const bool has_price = fresh_value(model_.btc_usd, price_value);
  set_derived(treasury_value_, config_.btc_holdings && has_price,
              config_.btc_holdings.value_or(0) * price_value, false, now_ns_);
  double hp_usd = 0, hp_btc = 0;
  const bool has_hashprice = fresh_value(model_.hashprice_usd_per_ph_day, hp_usd) &&
                             fresh_value(model_.hashprice_btc_per_ph_day, hp_btc);
  double fleet_btc = 0;
  bool fleet_complete = !config_.sites.empty();
  for (std::size_t i = 0; i < config_.sites.size(); ++i) {
    const SiteSpec& site = config_.sites[i];
    SiteSeries& ss = site_series_[i];
    set_derived(ss.hashrate, true, site.fleet.hashrate_ph_s, false, 0);
    set_derived(ss.power_mw, true, site.fleet.power_mw, false, 0);
    set_derived(ss.efficiency, true, site.fleet.efficiency_j_per_th, false, 0);
    std::optional<double> paid = site.fixed_usd_per_mwh;
    double indexed = 0;
    if (!paid && site.power_series != kNoSeries && fresh_value(site.power_series, indexed)) {
      paid = indexed + site.adder_usd_per_mwh;
    } else if (paid) {
      paid = *paid + site.adder_usd_per_mwh;
    }
    set_derived(ss.power_price, paid.has_value(), paid.value_or(0), false, now_ns_);
    const SeriesId outputs[] = {ss.revenue, ss.breakeven, ss.mining_margin, ss.hosting_margin,
                                ss.curtail_value, ss.mode[0], ss.mode[1], ss.mode[2],
                                ss.profit_per_day, ss.btc_per_day, ss.cost_per_btc};
    if (!has_hashprice || !paid) {
      for (SeriesId s : outputs) set_derived(s, false, 0, false, 0);
      fleet_complete = false;
      continue;
    }
    SiteInputs in{hp_usd, hp_btc, *paid, std::nullopt};
    double resale = 0;
    if (site.resale_series != kNoSeries && fresh_value(site.resale_series, resale)) in.market_price_usd_per_mwh = resale;
    const SiteEconomics e = site_economics(site.fleet, site.params, in, ss.mode_in_force);
    ss.mode_in_force = e.mode;
    set_derived(ss.revenue, true, e.mining_revenue_usd_per_mwh, false, now_ns_);
    set_derived(ss.breakeven, true, e.breakeven_power_usd_per_mwh, false, now_ns_);
    set_derived(ss.mining_margin, true, e.mining_margin_usd_per_mwh, false, now_ns_);
    set_derived(ss.hosting_margin, e.hosting_margin_usd_per_mwh.has_value(), e.hosting_margin_usd_per_mwh.value_or(0), false, now_ns_);
    set_derived(ss.curtail_value, true, e.curtail_value_usd_per_mwh, false, now_ns_);
    for (SiteMode m : {SiteMode::kMine, SiteMode::kHost, SiteMode::kCurtail}) {
      set_derived(ss.mode[static_cast<int>(m)], true, e.mode == m ? 1.0 : 0.0, false, now_ns_);
    }
    set_derived(ss.profit_per_day, true, e.mining_profit_usd_per_day, false, now_ns_);
    set_derived(ss.btc_per_day, true, e.btc_per_day, false, now_ns_);
    set_derived(ss.cost_per_btc, e.cost_per_btc_usd.has_value(), e.cost_per_btc_usd.value_or(0), false, now_ns_);
    fleet_btc += e.btc_per_day;
  }
  set_derived(fleet_btc_per_day_, fleet_complete, fleet_btc, false, now_ns_);
}

}  // namespace hashwatch::rules
