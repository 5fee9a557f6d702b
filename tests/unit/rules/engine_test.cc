#include "rules/engine.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "rules/hashprice.h"

namespace hashwatch::rules {
namespace {

constexpr TimeNs at(double seconds) { return static_cast<TimeNs>(seconds * 1e9); }

class EngineTest : public ::testing::Test {
 protected:
  SeriesRegistry registry;
  Engine engine{registry, EngineConfig{AggregateConfig{1, 1.0}, {}, {}}};
  SourceId coinbase = registry.intern_source("coinbase");
  SourceId kraken = registry.intern_source("kraken");
  SourceId bitstamp = registry.intern_source("bitstamp");
  SourceId mempool = registry.intern_source("mempool");
  SeriesId px_coinbase = registry.intern("btc_usd", {{"source", "coinbase"}});
  SeriesId px_kraken = registry.intern("btc_usd", {{"source", "kraken"}});
  SeriesId px_bitstamp = registry.intern("btc_usd", {{"source", "bitstamp"}});
  SeriesId height = registry.intern("block_height");
  SeriesId difficulty = registry.intern("difficulty");
  SeriesId fees = registry.intern("fees_per_block_btc");

  void price(SeriesId s, SourceId src, double v, double t) {
    engine.apply(value_event(s, src, v, at(t), at(t)));
  }
  void network(double h, double d, double f, double t) {
    engine.apply(value_event(height, mempool, h, at(t), at(t)));
    engine.apply(value_event(difficulty, mempool, d, at(t), at(t)));
    engine.apply(value_event(fees, mempool, f, at(t), at(t)));
  }
  double value(SeriesId id) {
    double v = 0;
    EXPECT_TRUE(engine.fresh_value(id, v)) << registry.info(id).key;
    return v;
  }
  bool has(SeriesId id) {
    double v;
    return engine.fresh_value(id, v);
  }
};

TEST_F(EngineTest, HashpriceFromNetworkAndPrice) {
  network(903'580, 1.2e14, 0.025, 1);
  price(px_coinbase, coinbase, 100'000, 2);
  EXPECT_EQ(value(engine.model().block_subsidy_btc), 3.125);
  const double btc = value(engine.model().hashprice_btc_per_ph_day);
  EXPECT_NEAR(btc, 0.000528059899806976318359375, 1e-12 * btc);
  EXPECT_NEAR(value(engine.model().hashprice_usd_per_ph_day), 52.8059899806976318359375, 1e-10);
}

TEST_F(EngineTest, NoHashpriceUntilEveryInputArrived) {
  engine.apply(value_event(height, mempool, 903'580, at(1), at(1)));
  engine.apply(value_event(difficulty, mempool, 1.2e14, at(1), at(1)));
  EXPECT_FALSE(has(engine.model().hashprice_btc_per_ph_day));
  engine.apply(value_event(fees, mempool, 0.025, at(1), at(1)));
  EXPECT_TRUE(has(engine.model().hashprice_btc_per_ph_day));
  EXPECT_FALSE(has(engine.model().hashprice_usd_per_ph_day));  // no price yet
}

TEST_F(EngineTest, HalvingBoundaryChangesSubsidyAndHashprice) {
  network(839'999, 1.2e14, 0.025, 1);
  EXPECT_EQ(value(engine.model().block_subsidy_btc), 6.25);
  const double before = value(engine.model().hashprice_btc_per_ph_day);
  engine.apply(value_event(height, mempool, 840'000, at(2), at(2)));
  EXPECT_EQ(value(engine.model().block_subsidy_btc), 3.125);
  const double after = value(engine.model().hashprice_btc_per_ph_day);
  EXPECT_NEAR(before, 0.0010519288480281829833984375, 1e-12 * before);
  EXPECT_NEAR(after, 0.000528059899806976318359375, 1e-12 * after);
}

TEST_F(EngineTest, AggregateIsMedianOfSources) {
  price(px_coinbase, coinbase, 100'000, 1);
  price(px_kraken, kraken, 100'020, 1);
  price(px_bitstamp, bitstamp, 100'010, 1);
  EXPECT_EQ(value(engine.model().btc_usd), 100'010);
  EXPECT_EQ(value(engine.model().btc_usd_sources_used), 3);
}

TEST_F(EngineTest, FeedDownRemovesItsPriceFromAggregate) {
  price(px_coinbase, coinbase, 100'000, 1);
  price(px_kraken, kraken, 100'020, 1);
  price(px_bitstamp, bitstamp, 100'010, 1);
  engine.apply(feed_event(bitstamp, false, at(2)));
  EXPECT_EQ(value(engine.model().btc_usd), 100'010);  // median of 100'000 and 100'020
  EXPECT_TRUE(engine.state(px_bitstamp)->stale);
  EXPECT_FALSE(engine.feed_up(bitstamp));
  engine.apply(feed_event(bitstamp, true, at(3)));
  EXPECT_TRUE(engine.state(px_bitstamp)->stale);  // a price from before the outage stays stale
  price(px_bitstamp, bitstamp, 100'015, 4);
  EXPECT_FALSE(engine.state(px_bitstamp)->stale);
  EXPECT_EQ(value(engine.model().btc_usd_sources_used), 3);
}

TEST_F(EngineTest, ValuesReceivedWhileDownBecomeFreshWhenTheFeedIsUp) {
  // A poll cycle delivers its values, then the poller declares the feed up.
  network(903'580, 1.2e14, 0.025, 1);
  engine.apply(feed_event(mempool, false, at(2)));
  network(903'581, 1.2e14, 0.025, 3);
  EXPECT_TRUE(engine.state(height)->stale);
  engine.apply(feed_event(mempool, true, at(3)));
  EXPECT_EQ(value(height), 903'581);
}

TEST_F(EngineTest, MinSourcesNotMetMeansNoAggregate) {
  engine.set_config(EngineConfig{AggregateConfig{2, 1.0}, {}, {}});
  price(px_coinbase, coinbase, 100'000, 1);
  EXPECT_FALSE(has(engine.model().btc_usd));
  price(px_kraken, kraken, 100'010, 1);
  EXPECT_EQ(value(engine.model().btc_usd), 100'005);
  engine.apply(feed_event(kraken, false, at(2)));
  EXPECT_FALSE(has(engine.model().btc_usd));
}

TEST_F(EngineTest, OutlierExcludedAndCounted) {
  price(px_coinbase, coinbase, 100'000, 1);
  price(px_kraken, kraken, 100'020, 1);
  price(px_bitstamp, bitstamp, 110'000, 1);
  EXPECT_EQ(value(engine.model().btc_usd), 100'010);
  EXPECT_EQ(engine.counters().price_exclusions, 1u);
}

TEST_F(EngineTest, StaleNetworkFeedMakesHashpriceStale) {
  network(903'580, 1.2e14, 0.025, 1);
  price(px_coinbase, coinbase, 100'000, 1);
  engine.apply(feed_event(mempool, false, at(5)));
  EXPECT_FALSE(has(engine.model().hashprice_usd_per_ph_day));
  EXPECT_TRUE(engine.state(engine.model().hashprice_usd_per_ph_day)->stale);
  engine.apply(feed_event(mempool, true, at(6)));
  EXPECT_FALSE(has(engine.model().hashprice_usd_per_ph_day));  // until the inputs are refreshed
  network(903'580, 1.2e14, 0.025, 7);
  EXPECT_TRUE(has(engine.model().hashprice_usd_per_ph_day));
}

TEST_F(EngineTest, OlderSourceTimeFromSameSourceIsIgnored) {
  price(px_coinbase, coinbase, 100'000, 10);
  price(px_coinbase, coinbase, 90'000, 9);
  EXPECT_EQ(value(px_coinbase), 100'000);
  EXPECT_EQ(engine.counters().out_of_order_events, 1u);
}

TEST_F(EngineTest, EventsForDerivedSeriesAreIgnored) {
  engine.apply(value_event(engine.model().btc_usd, coinbase, 1.0, at(1), at(1)));
  EXPECT_FALSE(has(engine.model().btc_usd));
  EXPECT_EQ(engine.counters().ignored_events, 1u);
}

TEST_F(EngineTest, ClockAdvancesWithEventsAndTicksNeverBack) {
  price(px_coinbase, coinbase, 100'000, 10);
  EXPECT_EQ(engine.now(), at(10));
  engine.advance(at(5));
  EXPECT_EQ(engine.now(), at(10));
  engine.advance(at(20));
  EXPECT_EQ(engine.now(), at(20));
}

TEST(EngineDeterminism, SameEventsGiveBitIdenticalState) {
  auto run = [](std::vector<SeriesState>& out) {
    SeriesRegistry registry;
    Engine engine(registry, EngineConfig{AggregateConfig{2, 0.5}, {}, {}});
    const SourceId a = registry.intern_source("a"), b = registry.intern_source("b");
    const SeriesId pa = registry.intern("btc_usd", {{"source", "a"}});
    const SeriesId pb = registry.intern("btc_usd", {{"source", "b"}});
    const SeriesId h = registry.intern("block_height"), d = registry.intern("difficulty"),
                   f = registry.intern("fees_per_block_btc");
    for (int i = 0; i < 1000; ++i) {
      const TimeNs t = at(i * 0.37);
      engine.apply(value_event(i % 2 ? pa : pb, i % 2 ? a : b, 100'000 + (i * 7919) % 300, t, t));
      if (i % 50 == 0) {
        engine.apply(value_event(h, b, 840'000 + i, t, t));
        engine.apply(value_event(d, b, 1.2e14 + i * 1e9, t, t));
        engine.apply(value_event(f, b, 0.02 + i * 1e-5, t, t));
      }
      if (i % 97 == 0) engine.apply(feed_event(a, i % 194 != 0, t));
    }
    out.assign(engine.states().begin(), engine.states().end());
  };
  std::vector<SeriesState> first, second;
  run(first);
  run(second);
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(std::memcmp(&first[i].value, &second[i].value, sizeof(double)), 0);
    EXPECT_EQ(first[i].has_value, second[i].has_value);
    EXPECT_EQ(first[i].stale, second[i].stale);
    EXPECT_EQ(first[i].changed_at_ns, second[i].changed_at_ns);
  }
}

}  // namespace
}  // namespace hashwatch::rules

namespace hashwatch::rules {
namespace {

TEST_F(EngineTest, BlocksToRetargetFollowsHeight) {
  engine.apply(value_event(height, mempool, 903'580, at(1), at(1)));
  EXPECT_EQ(value(engine.model().blocks_to_retarget), 1604);  // next retarget at 905184
  engine.apply(value_event(height, mempool, 905'183, at(2), at(2)));
  EXPECT_EQ(value(engine.model().blocks_to_retarget), 1);
  engine.apply(value_event(height, mempool, 905'184, at(3), at(3)));
  EXPECT_EQ(value(engine.model().blocks_to_retarget), 2016);
}

TEST_F(EngineTest, ImpliedHashrateFromDifficulty) {
  engine.apply(value_event(difficulty, mempool, 116958512019762.1, at(1), at(1)));
  // 116958512019762.1 * 2^32 / 600 = 8.3722164e20 H/s (837 EH/s)
  EXPECT_NEAR(value(engine.model().network_hashrate_implied_hs),
              116958512019762.1 * 4294967296.0 / 600.0, 1e6);
  EXPECT_NEAR(value(engine.model().network_hashrate_implied_hs), 8.3722164018950e20, 1e8);
}

TEST_F(EngineTest, DifficultyChangeMovesHashpriceInverse) {
  network(903'580, 1.2e14, 0.025, 1);
  price(px_coinbase, coinbase, 100'000, 1);
  const double before = value(engine.model().hashprice_usd_per_ph_day);
  engine.apply(value_event(difficulty, mempool, 1.2e14 * 1.08, at(2), at(2)));  // +8 % retarget
  EXPECT_NEAR(value(engine.model().hashprice_usd_per_ph_day), before / 1.08, 1e-12 * before);
}

TEST_F(EngineTest, IndexDivergenceFromComputedHashprice) {
  const SourceId hri = registry.intern_source("hashrateindex");
  const SeriesId index = registry.intern("hashprice_index_usd_per_ph_day", {{"source", "hashrateindex"}});
  network(903'580, 1.2e14, 0.025, 1);
  price(px_coinbase, coinbase, 100'000, 1);
  const double computed = value(engine.model().hashprice_usd_per_ph_day);
  engine.apply(value_event(index, hri, computed * 1.05, at(2), at(2)));
  const SeriesId divergence = registry.intern("hashprice_index_divergence_pct", {{"source", "hashrateindex"}});
  EXPECT_NEAR(value(divergence), 5.0, 1e-9);
  price(px_coinbase, coinbase, 105'000, 3);  // computed moves up 5 %: index now agrees
  EXPECT_NEAR(value(divergence), 0.0, 1e-9);
  engine.apply(feed_event(hri, false, at(4)));
  EXPECT_FALSE(has(divergence));
}

}  // namespace
}  // namespace hashwatch::rules

namespace hashwatch::rules {
namespace {

TEST_F(EngineTest, LaggingSourceDoesNotMoveTheTipBack) {
  const SourceId ws = registry.intern_source("mempool_ws");
  network(903'580, 1.2e14, 0.025, 1);                                   // REST poll
  engine.apply(value_event(height, ws, 903'581, at(2), at(2)));        // WS: new block
  engine.apply(value_event(difficulty, ws, 1.3e14, at(2), at(2)));     // ... and a retarget
  engine.apply(value_event(height, mempool, 903'580, at(3), at(3)));   // REST still behind
  engine.apply(value_event(difficulty, mempool, 1.2e14, at(3), at(3)));
  EXPECT_EQ(value(height), 903'581);
  EXPECT_EQ(value(difficulty), 1.3e14);
  EXPECT_EQ(engine.counters().lagging_events, 2u);
  engine.apply(value_event(height, mempool, 903'581, at(4), at(4)));   // REST catches up
  engine.apply(value_event(difficulty, mempool, 1.3e14, at(4), at(4)));
  EXPECT_EQ(engine.counters().lagging_events, 2u);
}

}  // namespace
}  // namespace hashwatch::rules
