// Rule evaluation cost per event with 20 sites × 50 rules (issue 7 acceptance, DESIGN §7 target).
//
// Three layers, side by side in one run:
// - the tree-walking interpreter (rules/expr/eval.h, the reference semantics) over a SeriesSource;
// - the compiled programs (rules/expr/program.h) over the same data and rules;
// - the engine with the rule runtime (rules/rule_runtime.h): an event applied to a real engine with
//   20 sites, then the rules that read what it changed, as the daemon does per event.
//
// Tree-walker and compiled form: a tree-walking interpreter over a SeriesSource. The
// source here is an in-memory store indexed by metric name with a short history per series, as the
// daemon's will be. Every event re-evaluates all 50 rules: on a BTC price tick that is also what a
// dependency graph would do, because the aggregate, hashprice and every site's economics all move,
// and nearly every rule reads one of them. A second case evaluates only the rules that read the
// changed series (a power-price tick for one node), the saving the dependency graph is for.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/bench_sites.h"
#include "rules/engine.h"
#include "rules/expr/eval.h"
#include "rules/expr/parser.h"
#include "rules/expr/program.h"
#include "rules/rule_runtime.h"
#include "tests/support/series_table.h"

namespace {

using namespace hashwatch;
using namespace hashwatch::rules;
using namespace hashwatch::rules::expr;

constexpr TimeNs kSecond = 1'000'000'000;

struct Series {
  std::string name;
  Labels labels;
  std::vector<Point> points;  // time order
};

class MemorySource final : public SeriesSource {
 public:
  void add(std::string name, Labels labels, std::vector<Point> points) {
    by_name_[name].push_back(Series{name, std::move(labels), std::move(points)});
  }
  Series* find(const std::string& name, const Labels& labels) {
    for (Series& s : by_name_[name]) {
      if (s.labels == labels) return &s;
    }
    return nullptr;
  }

  void instant(const Node& sel, TimeNs at, Vector& out) const override {
    auto it = by_name_.find(sel.metric);
    if (it == by_name_.end()) return;
    for (const Series& x : it->second) {
      if (!matches(sel, x.name, x.labels)) continue;
      auto p = std::upper_bound(x.points.begin(), x.points.end(), at, [](TimeNs t, const Point& q) { return t < q.t; });
      if (p != x.points.begin()) out.push_back(Sample{x.name, x.labels, std::prev(p)->v});
    }
  }
  void range(const Node& sel, TimeNs from, TimeNs to, std::vector<RangeSeries>& out) const override {
    auto it = by_name_.find(sel.metric);
    if (it == by_name_.end()) return;
    for (const Series& x : it->second) {
      if (!matches(sel, x.name, x.labels)) continue;
      RangeSeries r{x.name, x.labels, {}};
      const Point* carried = nullptr;  // the value in force when the window opens
      for (const Point& p : x.points) {
        if (p.t <= from) carried = &p;
      }
      if (carried != nullptr) r.points.push_back(*carried);
      for (const Point& p : x.points) {
        if (p.t > from && p.t <= to) r.points.push_back(p);
      }
      out.push_back(std::move(r));
    }
  }
  void changed_at(const Node& sel, std::vector<std::pair<Sample, TimeNs>>& out) const override {
    auto it = by_name_.find(sel.metric);
    if (it == by_name_.end()) return;
    for (const Series& x : it->second) {
      if (!matches(sel, x.name, x.labels) || x.points.empty()) continue;
      out.emplace_back(Sample{x.name, x.labels, x.points.back().v}, x.points.back().t);
    }
  }
  const std::unordered_map<std::string, std::vector<Series>>& all() const { return by_name_; }

 private:
  std::unordered_map<std::string, std::vector<Series>> by_name_;
};

// 50 rules in the shapes the built-in and example rule files use, with different thresholds.
std::vector<std::string> fifty_rules() {
  std::vector<std::string> r = {
      "age(btc_usd{source!=\"\"}) > 120",
      "absent(btc_usd{source=\"\"})",
      "site_hosting_margin_usd_per_mwh - site_mining_margin_usd_per_mwh",
      "site_power_price_usd_per_mwh > site_breakeven_power_usd_per_mwh",
      "delta(site_mode{mode=\"mine\"}[10m]) != 0",
      "site_hosting_margin_usd_per_mwh - site_mining_margin_usd_per_mwh > 0",
      "hashprice_usd_per_ph_day / (hashprice_usd_per_ph_day offset 24h) < 0.9",
      "abs(retarget_change_pct) > 5 and blocks_to_retarget < 288",
      "max by (site) (site_mode) == 1",
      "sum(site_mining_margin_usd_per_hour)",
  };
  for (int k = 0; r.size() < 50; ++k) {
    switch (k % 5) {
      case 0: r.push_back("site_mining_margin_usd_per_mwh < " + std::to_string(k)); break;
      case 1: r.push_back("avg_over_time(site_power_price_usd_per_mwh[15m]) > " + std::to_string(40 + k)); break;
      case 2: r.push_back("site_power_price_usd_per_mwh{site=~\"site-1.*\"} - site_breakeven_power_usd_per_mwh > " + std::to_string(k)); break;
      case 3: r.push_back("max_over_time(btc_usd[5m]) - min_over_time(btc_usd[5m]) > " + std::to_string(500 + k)); break;
      case 4: r.push_back("clamp_min(site_mining_margin_usd_per_mwh, 0) * on(site) site_power_mw > " + std::to_string(100 * k)); break;
    }
  }
  return r;
}

struct Setup {
  MemorySource source;
  std::vector<NodePtr> rules;
  std::vector<std::string> text;
  TimeNs now = 100'000 * kSecond;

  Setup() {
    for (std::string& t : fifty_rules()) {
      auto parsed = parse(t);
      if (auto* e = std::get_if<ParseError>(&parsed)) throw std::runtime_error(t + ": " + e->message);
      rules.push_back(std::move(std::get<NodePtr>(parsed)));
      text.push_back(std::move(t));
    }
    // An hour of history, a point every 10 s, for the series windows read; 24 h back for hashprice.
    auto history = [&](double base, double step) {
      std::vector<Point> p;
      for (int i = 360; i >= 0; --i) p.push_back(Point{now - i * 10 * kSecond, base + step * (i % 7)});
      return p;
    };
    for (const char* s : {"coinbase", "kraken", "binance", "bitstamp"}) source.add("btc_usd", {{"source", s}}, history(105'000, 3));
    source.add("btc_usd", {}, history(105'000, 2));
    source.add("hashprice_usd_per_ph_day", {}, {{now - 90'000 * kSecond, 55}, {now - 80'000 * kSecond, 54}, {now, 49}});
    source.add("retarget_change_pct", {}, {{now, 6.5}});
    source.add("blocks_to_retarget", {}, {{now, 120}});
    for (int i = 0; i < 20; ++i) {
      const Labels site{{"site", "site-" + std::to_string(i)}};
      source.add("site_power_price_usd_per_mwh", site, history(30 + i, 1.5));
      source.add("site_breakeven_power_usd_per_mwh", site, history(60, 0.2));
      source.add("site_mining_margin_usd_per_mwh", site, history(30 - i, 0.5));
      source.add("site_hosting_margin_usd_per_mwh", site, history(10, 0.1));
      source.add("site_mining_margin_usd_per_hour", site, history(300 - 10 * i, 5));
      source.add("site_power_mw", site, {{now - 3600 * kSecond, 10.0 + i}});
      Labels mine = {{"mode", "mine"}, site[0]};
      Labels curtail = {{"mode", "curtail"}, site[0]};
      source.add("site_mode", mine, history(1, 0));
      source.add("site_mode", curtail, history(0, 0));
    }
  }
};

// The same series by id, for the compiled programs.
hashwatch::testing::SeriesTable catalog_of(const MemorySource& source, TimeNs now) {
  std::vector<hashwatch::testing::TableSeries> all;
  for (const auto& [name, list] : source.all()) {
    for (const Series& x : list) all.push_back({x.name, x.labels, x.points});
  }
  return hashwatch::testing::SeriesTable(std::move(all), now);
}

// Every rule evaluated once per event, as on a BTC price tick.
void BM_RulesAllPerEvent_20Sites50Rules(benchmark::State& state) {
  Setup s;
  std::size_t outputs = 0;
  for (auto _ : state) {
    for (const NodePtr& rule : s.rules) {
      auto v = evaluate(*rule, s.now, s.source);
      if (auto* value = std::get_if<Value>(&v)) {
        if (auto* vec = std::get_if<Vector>(value)) outputs += vec->size();
      } else {
        state.SkipWithError("evaluation error");
        break;
      }
    }
  }
  benchmark::DoNotOptimize(outputs);
  state.SetItemsProcessed(state.iterations());
  state.counters["outputs_per_event"] = static_cast<double>(outputs) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_RulesAllPerEvent_20Sites50Rules);

// Only the rules that read the changed series (here: a power price, which moves site power price,
// breakeven-relative and margin series), chosen by metric name as the dependency graph will.
void BM_RulesDependentOnly_PowerTick(benchmark::State& state) {
  Setup s;
  std::vector<const Node*> dependent;
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    if (s.text[i].find("site_") != std::string::npos) dependent.push_back(s.rules[i].get());
  }
  for (auto _ : state) {
    for (const Node* rule : dependent) benchmark::DoNotOptimize(evaluate(*rule, s.now, s.source));
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rules_per_event"] = static_cast<double>(dependent.size());
}
BENCHMARK(BM_RulesDependentOnly_PowerTick);

// One cheap rule, to separate the fixed cost of an evaluation from the work per series.
void BM_RuleSingleComparison_20Sites(benchmark::State& state) {
  Setup s;
  auto parsed = parse("site_mining_margin_usd_per_mwh < 0");
  const NodePtr rule = std::move(std::get<NodePtr>(parsed));
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(*rule, s.now, s.source));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RuleSingleComparison_20Sites);

// The compiled form of the same 50 rules over the same data: every rule once per event.
void BM_CompiledAllPerEvent_20Sites50Rules(benchmark::State& state) {
  Setup s;
  const auto catalog = catalog_of(s.source, s.now);
  ProgramSet programs;
  std::vector<std::uint32_t> ids;
  for (const std::string& text : s.text) {
    auto added = programs.add(std::shared_ptr<const Node>(std::move(std::get<NodePtr>(parse(text)))));
    if (auto* e = std::get_if<EvalError>(&added)) {
      state.SkipWithError(e->message.c_str());
      return;
    }
    ids.push_back(std::get<std::uint32_t>(added));
  }
  programs.sync(catalog);
  std::size_t outputs = 0;
  ProgramResult result;
  for (auto _ : state) {
    for (std::uint32_t id : ids) {
      if (programs.evaluate(id, s.now, catalog, result)) {
        state.SkipWithError("evaluation error");
        return;
      }
      outputs += result.samples.size();
    }
  }
  benchmark::DoNotOptimize(outputs);
  state.SetItemsProcessed(state.iterations());
  state.counters["outputs_per_event"] = static_cast<double>(outputs) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_CompiledAllPerEvent_20Sites50Rules);

void BM_CompiledSingleComparison_20Sites(benchmark::State& state) {
  Setup s;
  const auto catalog = catalog_of(s.source, s.now);
  ProgramSet programs;
  const auto id = std::get<std::uint32_t>(
      programs.add(std::shared_ptr<const Node>(std::move(std::get<NodePtr>(parse("site_mining_margin_usd_per_mwh < 0"))))));
  programs.sync(catalog);
  ProgramResult result;
  for (auto _ : state) {
    programs.evaluate(id, s.now, catalog, result);
    benchmark::DoNotOptimize(result.samples.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompiledSingleComparison_20Sites);

// The daemon's per-event path without I/O: a real engine with 20 sites and the rule runtime with
// the 50 rules. Each event is applied, then the runtime re-evaluates the rules that read what it
// changed and steps their alerts. Argument 0: a BTC price tick (moves the aggregate, hashprice and
// every site: nearly every rule runs); 1: a power price for one node (4 of the 20 sites).
struct EngineWithRules {
  SeriesRegistry registry;
  Engine engine;
  std::unique_ptr<RuleRuntime> runtime;
  std::vector<SeriesId> prices, nodes;
  std::vector<SourceId> sources;
  TimeNs t = 1'000'000'000;

  explicit EngineWithRules(bool with_rules) : engine(registry, bench::with_sites(20, registry)) {
    if (with_rules) {
      std::vector<RuleDef> defs;
      int n = 0;
      for (const std::string& text : fifty_rules()) {
        RuleDef d;
        d.kind = text.find(" > ") != std::string::npos || text.find(" < ") != std::string::npos ||
                         text.find("==") != std::string::npos || text.find("!=") != std::string::npos ||
                         text.rfind("absent", 0) == 0
                     ? RuleDef::Kind::kAlert
                     : RuleDef::Kind::kRecord;
        d.name = d.kind == RuleDef::Kind::kAlert ? "Alert" + std::to_string(n) : "bench:rule" + std::to_string(n);
        d.expr = std::shared_ptr<const Node>(std::move(std::get<NodePtr>(parse(text))));
        d.timing.for_ns = 10 * 60 * kSecond;
        defs.push_back(std::move(d));
        ++n;
      }
      runtime = std::make_unique<RuleRuntime>(std::move(defs), registry);
    }
    const SourceId mempool = registry.intern_source("mempool");
    for (const char* e : {"coinbase", "kraken", "binance", "bitstamp"}) {
      sources.push_back(registry.intern_source(e));
      prices.push_back(registry.intern("btc_usd", {{"source", e}}));
    }
    apply(value_event(registry.intern("block_height"), mempool, 903'580, 1, 1));
    apply(value_event(registry.intern("difficulty"), mempool, 1.2e14, 1, 1));
    apply(value_event(registry.intern("fees_per_block_btc"), mempool, 0.03, 1, 1));
    for (int i = 0; i < 5; ++i) {
      nodes.push_back(registry.intern("power_price_usd_per_mwh", {{"market", "ercot"}, {"node", "HB_" + std::to_string(i)}}));
      apply(value_event(nodes.back(), mempool, 30.0 + i, 1, 1));
    }
    // Warm up: an hour of price and power history at the event rates below.
    for (int i = 0; i < 20000; ++i) step(i % 10 == 0);
  }

  void apply(const Event& e) {
    engine.apply(e);
    if (runtime) runtime->update(engine, false);
  }

  // One event; a power price every tenth when `power`.
  void step(bool power) {
    t += 1'000'000;  // 1 ms apart
    static std::uint64_t i = 0;
    ++i;
    if (power) {
      apply(value_event(nodes[i % 5], 0, 25.0 + static_cast<double>((i * 7) % 40), t, t));
    } else {
      apply(value_event(prices[i % 4], sources[i % 4], 105'000 + static_cast<double>((i * 37) % 200), t, t));
    }
    if (runtime) {
      (void)runtime->take_transitions();
      (void)runtime->take_dirty();
    }
  }
};

void BM_EngineAndRules_PerEvent(benchmark::State& state) {
  const bool power = state.range(0) == 1;
  const bool with_rules = state.range(1) == 1;
  EngineWithRules s(with_rules);
  const std::uint64_t evaluations = with_rules ? s.runtime->counters().evaluations : 0;
  for (auto _ : state) s.step(power);
  state.SetItemsProcessed(state.iterations());
  if (with_rules) {
    state.counters["rules_per_event"] =
        static_cast<double>(s.runtime->counters().evaluations - evaluations) / static_cast<double>(state.iterations());
  }
}
// {event kind: 0 price / 1 power, rules: 0 without / 1 with}
BENCHMARK(BM_EngineAndRules_PerEvent)->Args({0, 0})->Args({0, 1})->Args({1, 0})->Args({1, 1});

}  // namespace
