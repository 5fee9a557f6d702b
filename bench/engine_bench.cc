// Engine cost per event, and the SPSC ring hop that feeds it, measured side by side.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/bench_sites.h"
#include "daemon/spsc_ring.h"
#include "rules/engine.h"

namespace {

using namespace hashwatch;
using namespace hashwatch::rules;

using bench::with_sites;

struct Setup {
  SeriesRegistry registry;
  Engine engine;
  std::vector<Event> events;

  explicit Setup(int sites = 0) : engine(registry, with_sites(sites, registry)) {
    const char* exchanges[] = {"coinbase", "kraken", "binance", "bitstamp"};
    std::vector<SeriesId> prices;
    std::vector<SourceId> sources;
    for (const char* e : exchanges) {
      sources.push_back(registry.intern_source(e));
      prices.push_back(registry.intern("btc_usd", {{"source", e}}));
    }
    const SourceId mempool = registry.intern_source("mempool");
    engine.apply(value_event(registry.intern("block_height"), mempool, 903'580, 1, 1));
    engine.apply(value_event(registry.intern("difficulty"), mempool, 1.2e14, 1, 1));
    engine.apply(value_event(registry.intern("fees_per_block_btc"), mempool, 0.03, 1, 1));
    for (int i = 0; i < 5; ++i) {
      engine.apply(value_event(registry.intern("power_price_usd_per_mwh", {{"market", "ercot"}, {"node", "HB_" + std::to_string(i)}}),
                               mempool, 30.0 + i, 1, 1));
    }
    for (int i = 0; i < 4096; ++i) {
      const TimeNs t = 2 + i * 50'000;
      events.push_back(value_event(prices[i % 4], sources[i % 4], 105'000 + (i * 37) % 200, t, t));
    }
  }
};

// A price tick: store, aggregate median over 4 exchanges, hashprice in USD, and (argument) the
// economics of every site, which all depend on hashprice.
void BM_EngineApplyPriceTick(benchmark::State& state) {
  Setup s(static_cast<int>(state.range(0)));
  std::size_t i = 0;
  TimeNs t = 1'000'000'000;
  for (auto _ : state) {
    Event e = s.events[i++ & 4095];
    e.source_time_ns = e.recv_time_ns = (t += 1000);  // time moves forward, as live
    s.engine.apply(e);
  }
  benchmark::DoNotOptimize(s.engine.states().data());
  if (s.engine.counters().out_of_order_events != 0) state.SkipWithError("events were rejected");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineApplyPriceTick)->Arg(0)->Arg(20);

// The hand-over from the I/O thread: one push and one pop (same thread, no contention).
void BM_SpscRingPushPop(benchmark::State& state) {
  daemon::SpscRing<Event> ring(1 << 16);
  Event e{};
  for (auto _ : state) {
    ring.push(e);
    ring.pop(e);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpscRingPushPop);

}  // namespace
