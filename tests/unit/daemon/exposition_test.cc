#include "daemon/exposition.h"

#include <gtest/gtest.h>

namespace hashwatch::daemon {
namespace {

struct Fixture {
  rules::SeriesRegistry registry;
  rules::Engine engine{registry};
  connectors::FeedStats stats;
  DaemonStats daemon;
  std::vector<FeedView> feeds;
  Snapshot snapshot;

  Fixture() {
    const auto src = registry.intern_source("coinbase");
    engine.apply(rules::value_event(registry.intern("btc_usd", {{"source", "coinbase"}}), src,
                                    105560.0, 1, 1));
    feeds.push_back(FeedView{"coinbase", "coinbase", true, &stats});
    stats.up = true;
    stats.messages = 7;
    stats.count_error(connectors::ErrorKind::kMalformed);
    snapshot.states.assign(engine.states().begin(), engine.states().end());
    snapshot.counters = engine.counters();
  }
};

TEST(Exposition, MetricsHaveSeriesAndFeedHealth) {
  Fixture f;
  f.daemon.event_to_decision.observe_ns(3'000);
  const std::string text = render_metrics(f.snapshot, f.registry, f.feeds, f.daemon);
  EXPECT_NE(text.find("hashwatch_btc_usd{source=\"coinbase\"} 105560\n"), std::string::npos) << text;
  EXPECT_NE(text.find("hashwatch_btc_usd 105560\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE hashwatch_btc_usd gauge\n"), std::string::npos);
  EXPECT_NE(text.find("hashwatch_feed_up{feed=\"coinbase\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("hashwatch_feed_messages_total{feed=\"coinbase\"} 7\n"), std::string::npos);
  EXPECT_NE(text.find("hashwatch_feed_errors_total{feed=\"coinbase\",kind=\"malformed\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("hashwatch_event_to_decision_seconds_bucket{le=\"5e-06\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("hashwatch_event_to_decision_seconds_count 1\n"), std::string::npos);
}

TEST(Exposition, StaleSeriesAreNotExported) {
  Fixture f;
  f.engine.apply(rules::feed_event(f.registry.intern_source("coinbase"), false, 2));
  f.snapshot.states.assign(f.engine.states().begin(), f.engine.states().end());
  const std::string text = render_metrics(f.snapshot, f.registry, f.feeds, f.daemon);
  EXPECT_EQ(text.find("hashwatch_btc_usd{"), std::string::npos);
  EXPECT_EQ(text.find("hashwatch_btc_usd "), std::string::npos);
}

TEST(Exposition, SnapshotJsonListsSeriesAndFeeds) {
  Fixture f;
  const std::string json = render_snapshot_json(f.snapshot, f.registry, f.feeds);
  EXPECT_NE(json.find(R"("name":"btc_usd","labels":{"source":"coinbase"})"), std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("up":true)"), std::string::npos);
}

TEST(LatencyHistogramTest, BucketsAreCumulative) {
  LatencyHistogram h;
  h.observe_ns(500);            // <= 1 us
  h.observe_ns(20'000);         // <= 25 us
  h.observe_ns(20'000'000'000); // > 10 s: only +Inf
  const auto r = h.read();
  EXPECT_EQ(r.cumulative[0], 1u);
  EXPECT_EQ(r.cumulative[4], 2u);
  EXPECT_EQ(r.cumulative.back(), 2u);
  EXPECT_EQ(r.count, 3u);
}

}  // namespace
}  // namespace hashwatch::daemon
