// Rules evaluated inside the engine: dependency graph, recording outputs, windows sized from the
// rules, and alert timelines from synthetic events at explicit times (no clock, no sleeps),
// including restarts that restore alert state.
#include "rules/rule_runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "rules/expr/eval.h"
#include "rules/expr/parser.h"

namespace hashwatch::rules {
namespace {

constexpr TimeNs minutes(double m) { return static_cast<TimeNs>(m * 60e9); }
constexpr TimeNs seconds(double s) { return static_cast<TimeNs>(s * 1e9); }

std::shared_ptr<const expr::Node> parse_expr(const std::string& text) {
  auto parsed = expr::parse(text);
  if (auto* e = std::get_if<expr::ParseError>(&parsed)) throw std::runtime_error(text + ": " + e->message);
  return std::shared_ptr<const expr::Node>(std::move(std::get<expr::NodePtr>(parsed)));
}

RuleDef record(const std::string& name, const std::string& text, Labels labels = {}) {
  RuleDef r;
  r.kind = RuleDef::Kind::kRecord;
  r.group = "g";
  r.name = name;
  r.expr_text = text;
  r.expr = parse_expr(text);
  r.labels = std::move(labels);
  return r;
}

RuleDef alert(const std::string& name, const std::string& text, TimeNs for_ns = 0, Labels labels = {}) {
  RuleDef r;
  r.kind = RuleDef::Kind::kAlert;
  r.group = "g";
  r.name = name;
  r.expr_text = text;
  r.expr = parse_expr(text);
  r.timing.for_ns = for_ns;
  r.labels = std::move(labels);
  r.annotations = {{"summary", "{{ $labels.site }} at {{ $value }}"}};
  return r;
}

// An engine, a rule runtime over it, and helpers to feed values at explicit times.
struct Harness {
  SeriesRegistry registry;
  Engine engine{registry};
  std::unique_ptr<RuleRuntime> rules;
  std::vector<AlertTransition> sent;
  std::vector<alerts::AlertInstance> store;  // what a state store would hold, by fingerprint

  explicit Harness(std::vector<RuleDef> defs) : rules(std::make_unique<RuleRuntime>(std::move(defs), registry)) {}

  SeriesId id(const std::string& name, Labels labels = {}) { return registry.intern(name, std::move(labels)); }

  void set(TimeNs t, const std::string& name, Labels labels, double v) {
    engine.apply(value_event(id(name, std::move(labels)), registry.intern_source("test"), v, t, t));
    rules->update(engine, false);
    collect();
  }
  void tick(TimeNs t) {
    engine.advance(t);
    rules->update(engine, true);
    collect();
  }
  void collect() {
    for (auto& t : rules->take_transitions()) sent.push_back(std::move(t));
    for (auto& a : rules->take_dirty()) {
      std::erase_if(store, [&](const auto& s) { return s.fingerprint == a.fingerprint; });
      if (a.state != alerts::AlertState::kInactive) store.push_back(a);
    }
  }
  std::optional<double> value(const std::string& name, Labels labels = {}) {
    double v;
    if (!engine.fresh_value(id(name, std::move(labels)), v)) return std::nullopt;
    return v;
  }
  alerts::AlertState state_of(const std::string& site) {
    for (const AlertView& v : rules->alerts()) {
      for (const auto& [k, val] : v.alert.labels) {
        if (k == "site" && val == site) return v.alert.state;
      }
    }
    return alerts::AlertState::kInactive;
  }
};

TEST(RuleRuntime, RecordingOutputsAreSeriesThatLaterRulesRead) {
  // Written in the "wrong" order on purpose: the reader comes first in the file.
  Harness h({alert("HostingBeatsMining", "site:hosting_minus_mining_usd_per_mwh > 0"),
             record("site:hosting_minus_mining_usd_per_mwh",
                    "site_hosting_margin_usd_per_mwh - site_mining_margin_usd_per_mwh", {{"team", "ops"}})});
  h.set(seconds(1), "site_hosting_margin_usd_per_mwh", {{"site", "a"}}, 20);
  h.set(seconds(2), "site_mining_margin_usd_per_mwh", {{"site", "a"}}, 12.5);
  EXPECT_EQ(h.value("site:hosting_minus_mining_usd_per_mwh", {{"site", "a"}, {"team", "ops"}}), 7.5);
  // The same pass fed the alert (for: 0 fires at once).
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].kind, alerts::Notification::Kind::kFiring);
  EXPECT_EQ(h.sent[0].alert.fired_at_ns, seconds(2));
  EXPECT_EQ(h.sent[0].annotations[0].second, "a at 7.5");
  // Mining overtakes hosting: the output goes negative, the alert resolves at that event.
  h.set(seconds(3), "site_mining_margin_usd_per_mwh", {{"site", "a"}}, 30);
  EXPECT_EQ(h.value("site:hosting_minus_mining_usd_per_mwh", {{"site", "a"}, {"team", "ops"}}), -10);
  ASSERT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.sent[1].kind, alerts::Notification::Kind::kResolved);
  EXPECT_EQ(h.sent[1].alert.resolved_at_ns, seconds(3));
}

TEST(RuleRuntime, RecordingOutputDisappearsWhenTheExpressionStopsReturningIt) {
  Harness h({record("x:high", "x > 10")});
  h.set(seconds(1), "x", {{"k", "1"}}, 11);
  EXPECT_EQ(h.value("x:high", {{"k", "1"}}), 11);
  h.set(seconds(2), "x", {{"k", "1"}}, 9);
  EXPECT_FALSE(h.value("x:high", {{"k", "1"}}).has_value());
}

TEST(RuleRuntime, AnEventReevaluatesOnlyTheRulesThatReadWhatChanged) {
  Harness h({alert("A", "a > 1"), alert("B", "b > 1"), alert("AB", "a + on() b > 1"),
             alert("Site", "site_x{site=\"one\"} > 1")});
  h.tick(seconds(0));  // the first pass evaluates everything once
  for (std::size_t r = 0; r < 4; ++r) EXPECT_EQ(h.rules->evaluations(r), 1u) << r;
  h.set(seconds(1), "a", {}, 5);
  EXPECT_EQ(h.rules->evaluations(0), 2u);
  EXPECT_EQ(h.rules->evaluations(1), 1u);
  EXPECT_EQ(h.rules->evaluations(2), 2u);
  EXPECT_EQ(h.rules->evaluations(3), 1u);
  h.set(seconds(2), "site_x", {{"site", "two"}}, 5);  // not matched by the selector
  EXPECT_EQ(h.rules->evaluations(3), 1u);
  h.set(seconds(3), "site_x", {{"site", "one"}}, 5);
  EXPECT_EQ(h.rules->evaluations(3), 2u);
  // An update with the same value changes nothing and runs nothing.
  h.set(seconds(4), "a", {}, 5);
  EXPECT_EQ(h.rules->evaluations(0), 2u);
  // A tick runs no rule here: none depends on time.
  h.tick(seconds(5));
  EXPECT_EQ(h.rules->counters().evaluations, 4u + 2u + 1u);
}

TEST(RuleRuntime, HistoryIsKeptOnlyAsFarBackAsTheRulesRead) {
  Harness h({alert("W", "avg_over_time(p[15m]) > 1"), alert("O", "p / (p offset 1h) < 0.9"),
             alert("Q", "max_over_time(q[5m] offset 10m) > 1"), alert("I", "r > 1")});
  h.set(seconds(1), "p", {}, 1);
  h.set(seconds(1), "q", {}, 1);
  h.set(seconds(1), "r", {}, 1);
  EXPECT_EQ(h.rules->history_kept_ns(h.id("p")), minutes(60));
  EXPECT_EQ(h.rules->history_kept_ns(h.id("q")), minutes(15));
  EXPECT_EQ(h.rules->history_kept_ns(h.id("r")), 0);
}

TEST(RuleRuntime, WindowsOverEngineHistoryMatchAFullRecomputation) {
  // A long random walk through a 10-minute window: the ring trims and wraps many times, and every
  // result must equal the tree-walker over the complete series.
  Harness h({record("p:avg10m", "avg_over_time(p[10m])"), record("p:max10m", "max_over_time(p[10m])"),
             record("p:delta10m", "delta(p[10m])"), record("p:ago5m", "p offset 5m")});
  std::vector<expr::Point> all;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> step(-2, 2);
  std::uniform_int_distribution<int> gap(1, 40);
  double v = 100;
  TimeNs t = seconds(1);
  for (int i = 0; i < 3000; ++i) {
    t += seconds(gap(rng));
    v = std::round((v + step(rng)) * 100) / 100;
    h.set(t, "p", {}, v);
    // History records changes: an update to the same value is not a new point.
    if (all.empty() || all.back().v != v) all.push_back({t, v});
    if (i % 97 != 0) continue;
    auto expect = [&](TimeNs from, TimeNs to, auto fold) {
      std::vector<double> in;
      double carried = NAN;  // the value in force when the window opens
      for (const auto& p : all) {
        if (p.t <= from) carried = p.v;
      }
      if (!std::isnan(carried)) in.push_back(carried);
      for (const auto& p : all) {
        if (p.t > from && p.t <= to) in.push_back(p.v);
      }
      return fold(in);
    };
    const double avg = expect(t - minutes(10), t, [](const std::vector<double>& in) {
      double s = 0;
      for (double x : in) s += x;
      return s / static_cast<double>(in.size());
    });
    const double max = expect(t - minutes(10), t, [](const std::vector<double>& in) {
      return *std::max_element(in.begin(), in.end());
    });
    ASSERT_DOUBLE_EQ(*h.value("p:avg10m"), avg) << i;
    ASSERT_EQ(*h.value("p:max10m"), max) << i;
    const double first = expect(t - minutes(10), t, [](const std::vector<double>& in) { return in.front(); });
    if (auto d = h.value("p:delta10m")) {
      ASSERT_DOUBLE_EQ(*d, v - first) << i;
    }
    double ago = NAN;
    for (const auto& p : all) {
      if (p.t <= t - minutes(5)) ago = p.v;
    }
    if (!std::isnan(ago)) {
      ASSERT_EQ(*h.value("p:ago5m"), ago) << i;
    }
  }
  // Incremental all along: no window had to start over from the history.
  EXPECT_EQ(h.rules->counters().window_restarts, 0u);
}

TEST(RuleRuntime, ModeChangedFiresWhenAModeHeldLongerThanTheWindowFlips) {
  // The built-in SiteModeChanged rule. History holds changes only, so the window must count the
  // value in force when it opened, or a mode stable for more than 10 minutes could never "change".
  Harness h({alert("SiteModeChanged", "delta(site_mode{mode=\"mine\"}[10m]) != 0")});
  h.set(minutes(0), "site_mode", {{"mode", "mine"}, {"site", "a"}}, 1);
  h.tick(minutes(30));
  EXPECT_TRUE(h.sent.empty());
  h.set(minutes(31), "site_mode", {{"mode", "mine"}, {"site", "a"}}, 0);
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].kind, alerts::Notification::Kind::kFiring);
  EXPECT_EQ(h.sent[0].alert.value, -1);
  h.tick(minutes(41) - 1);
  EXPECT_EQ(h.sent.size(), 1u);
  h.tick(minutes(41));  // the change has left the window: the delta is over
  ASSERT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.sent[1].kind, alerts::Notification::Kind::kResolved);
}

TEST(RuleRuntime, AFeedThatGoesDownLeavesWindowsAndOffsetsEmpty) {
  // Found in review: history held no record of absence, so a dead feed's last price stayed "in
  // force" in every window and offset for ever.
  Harness h({record("n", "count_over_time(btc_usd{source=\"k\"}[10m])"),
             record("ago", "btc_usd{source=\"k\"} offset 5m")});
  const SourceId k = h.registry.intern_source("k");
  const SeriesId price = h.id("btc_usd", {{"source", "k"}});
  auto put = [&](TimeNs t, double v) {
    h.engine.apply(value_event(price, k, v, t, t));
    h.rules->update(h.engine, false);
  };
  put(minutes(0), 100);
  put(minutes(1), 101);
  h.tick(minutes(6));
  EXPECT_EQ(h.value("n", {{"source", "k"}}), 2);
  EXPECT_EQ(h.value("ago", {{"source", "k"}}), 101);
  h.engine.apply(feed_event(k, false, minutes(7)));  // the feed goes down: its price is stale
  h.rules->update(h.engine, false);
  h.tick(minutes(8));
  EXPECT_EQ(h.value("n", {{"source", "k"}}), 2);  // what it saw before going down is still in the window
  EXPECT_EQ(h.value("ago", {{"source", "k"}}), 101);
  h.tick(minutes(12) + 1);
  EXPECT_FALSE(h.value("ago", {{"source", "k"}}).has_value());  // five minutes ago it was down
  EXPECT_EQ(h.value("n", {{"source", "k"}}), 1);                // 101 was in force until minute 7
  h.tick(minutes(17) + 1);
  EXPECT_FALSE(h.value("n", {{"source", "k"}}).has_value());  // nothing in the last 10 minutes
  put(minutes(18), 99);  // back (a value received after it went down is fresh)
  h.engine.apply(feed_event(k, true, minutes(18)));
  h.rules->update(h.engine, false);
  EXPECT_EQ(h.value("n", {{"source", "k"}}), 1);
}

TEST(RuleRuntime, WindowsWithGapsMatchAFullRecomputation) {
  // A random walk whose feed drops now and then: incremental windows with gap points against a
  // direct computation over the whole sequence.
  Harness h({record("p:avg", "avg_over_time(p[10m])"), record("p:max", "max_over_time(p[10m])"),
             record("p:count", "count_over_time(p[10m])"), record("p:delta", "delta(p[10m])"),
             record("p:rate", "rate(p[10m])")});
  const SourceId k = h.registry.intern_source("k");
  const SeriesId p = h.id("p");
  struct Entry {
    TimeNs t;
    std::optional<double> v;  // nullopt: the feed went down
  };
  std::vector<Entry> all;
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> gap(1, 40), coin(0, 19), step(0, 9);
  double v = 100;
  TimeNs t = seconds(1);
  bool down = false;
  for (int i = 0; i < 3000; ++i) {
    t += seconds(gap(rng));
    if (!down && coin(rng) == 0) {
      h.engine.apply(feed_event(k, false, t));
      down = true;
      all.push_back({t, std::nullopt});
    } else {
      if (down) h.engine.apply(feed_event(k, true, t));
      down = false;
      v += step(rng) - 4;  // whole numbers: sums are exact in any order
      h.engine.apply(value_event(p, k, v, t, t));
      if (all.empty() || !all.back().v || *all.back().v != v) all.push_back({t, v});
    }
    h.rules->update(h.engine, true);  // a tick too: windows move with time even when p does not
    std::vector<double> in;
    std::optional<double> carried;
    for (const Entry& e : all) {
      if (e.t <= t - minutes(10)) carried = e.v;
    }
    if (carried) in.push_back(*carried);
    for (const Entry& e : all) {
      if (e.t > t - minutes(10) && e.v) in.push_back(*e.v);
    }
    const auto count = h.value("p:count");
    if (in.empty()) {
      ASSERT_FALSE(count.has_value()) << i;
      continue;
    }
    ASSERT_EQ(count, static_cast<double>(in.size())) << i;
    double sum = 0, inc = 0;
    for (std::size_t j = 0; j < in.size(); ++j) {
      sum += in[j];
      if (j > 0) inc += in[j] - in[j - 1] >= 0 ? in[j] - in[j - 1] : in[j];
    }
    ASSERT_EQ(h.value("p:avg"), sum / static_cast<double>(in.size())) << i;
    ASSERT_EQ(h.value("p:max"), *std::max_element(in.begin(), in.end())) << i;
    if (in.size() >= 2) {
      ASSERT_EQ(h.value("p:delta"), in.back() - in.front()) << i;
      ASSERT_DOUBLE_EQ(*h.value("p:rate"), inc / 600.0) << i;
    }
  }
  EXPECT_EQ(h.rules->counters().window_restarts, 0u);
}

TEST(RuleRuntime, TimeDependentRulesRunOnTicks) {
  Harness h({alert("Stale", "age(btc_usd{source=\"coinbase\"}) > 60", seconds(0))});
  h.set(seconds(100), "btc_usd", {{"source", "coinbase"}}, 100000);
  h.tick(seconds(160));
  EXPECT_TRUE(h.sent.empty());  // 60 s is not more than 60
  h.tick(seconds(160) + 1);
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].alert.fired_at_ns, seconds(160) + 1);
  h.set(seconds(170), "btc_usd", {{"source", "coinbase"}}, 100001);
  ASSERT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.sent[1].kind, alerts::Notification::Kind::kResolved);
}

// MiningBelowBreakeven with for: 10m, from events at explicit instants.
std::vector<RuleDef> breakeven_rule() {
  return {alert("MiningBelowBreakeven", "site_power_price_usd_per_mwh > site_breakeven_power_usd_per_mwh",
                minutes(10), {{"severity", "critical"}})};
}

TEST(RuleRuntime, PendingFiringResolvedAtTheExactInstants) {
  Harness h(breakeven_rule());
  h.set(minutes(0), "site_breakeven_power_usd_per_mwh", {{"site", "a"}}, 60);
  h.set(minutes(1), "site_power_price_usd_per_mwh", {{"site", "a"}}, 75);
  EXPECT_EQ(h.state_of("a"), alerts::AlertState::kPending);
  EXPECT_EQ(h.rules->next_deadline(), minutes(11));
  h.tick(minutes(11) - 1);
  EXPECT_EQ(h.state_of("a"), alerts::AlertState::kPending);
  EXPECT_TRUE(h.sent.empty());
  h.tick(minutes(11));
  EXPECT_EQ(h.state_of("a"), alerts::AlertState::kFiring);
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].alert.fired_at_ns, minutes(11));
  EXPECT_EQ(h.sent[0].alert.active_at_ns, minutes(1));
  h.set(minutes(12), "site_power_price_usd_per_mwh", {{"site", "a"}}, 80);  // still above: no new notification
  EXPECT_EQ(h.sent.size(), 1u);
  h.set(minutes(20), "site_power_price_usd_per_mwh", {{"site", "a"}}, 50);
  ASSERT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.sent[1].kind, alerts::Notification::Kind::kResolved);
  EXPECT_EQ(h.sent[1].alert.resolved_at_ns, minutes(20));
  EXPECT_TRUE(h.rules->alerts().empty());
  EXPECT_TRUE(h.store.empty());  // nothing left to persist
}

TEST(RuleRuntime, RestartInTheMiddleOfForKeepsTheTimer) {
  std::vector<alerts::AlertInstance> saved;
  {
    Harness h(breakeven_rule());
    h.set(minutes(0), "site_breakeven_power_usd_per_mwh", {{"site", "a"}}, 60);
    h.set(minutes(1), "site_power_price_usd_per_mwh", {{"site", "a"}}, 75);
    h.tick(minutes(6));
    ASSERT_EQ(h.store.size(), 1u);
    saved = h.store;  // the process dies here
  }
  Harness h(breakeven_rule());
  EXPECT_TRUE(h.rules->restore(saved, minutes(7), minutes(2)).empty());
  // Inputs come back one by one; the half-complete picture must not reset the timer.
  h.set(minutes(7), "site_breakeven_power_usd_per_mwh", {{"site", "a"}}, 60);
  EXPECT_EQ(h.state_of("a"), alerts::AlertState::kPending);
  h.set(minutes(8), "site_power_price_usd_per_mwh", {{"site", "a"}}, 75);
  h.tick(minutes(11) - 1);
  EXPECT_TRUE(h.sent.empty());
  h.tick(minutes(11));  // ten minutes after the condition first held, before the restart
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].kind, alerts::Notification::Kind::kFiring);
  EXPECT_EQ(h.sent[0].alert.active_at_ns, minutes(1));
}

TEST(RuleRuntime, RestartWhileFiringSendsNoSecondFiringNotification) {
  std::vector<alerts::AlertInstance> saved;
  {
    Harness h(breakeven_rule());
    h.set(minutes(0), "site_breakeven_power_usd_per_mwh", {{"site", "a"}}, 60);
    h.set(minutes(1), "site_power_price_usd_per_mwh", {{"site", "a"}}, 75);
    h.tick(minutes(11));
    ASSERT_EQ(h.sent.size(), 1u);
    saved = h.store;
  }
  Harness h(breakeven_rule());
  h.rules->restore(saved, minutes(30), minutes(2));
  h.tick(minutes(30) + seconds(30));  // no input yet: within the grace period nothing happens
  h.set(minutes(31), "site_power_price_usd_per_mwh", {{"site", "a"}}, 80);
  h.set(minutes(31), "site_breakeven_power_usd_per_mwh", {{"site", "a"}}, 60);
  h.tick(minutes(40));
  EXPECT_TRUE(h.sent.empty());
  EXPECT_EQ(h.state_of("a"), alerts::AlertState::kFiring);
  // It resolves once, normally.
  h.set(minutes(41), "site_power_price_usd_per_mwh", {{"site", "a"}}, 10);
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].kind, alerts::Notification::Kind::kResolved);
}

TEST(RuleRuntime, ARestoredAlertWhoseConditionNeverReturnsResolvesAfterTheGrace) {
  std::vector<alerts::AlertInstance> saved;
  {
    Harness h(breakeven_rule());
    h.set(minutes(0), "site_breakeven_power_usd_per_mwh", {{"site", "a"}}, 60);
    h.set(minutes(1), "site_power_price_usd_per_mwh", {{"site", "a"}}, 75);
    h.tick(minutes(11));
    saved = h.store;
  }
  Harness h(breakeven_rule());
  h.rules->restore(saved, minutes(30), minutes(2));
  EXPECT_EQ(h.rules->next_deadline(), minutes(32));
  h.tick(minutes(32) - 1);
  EXPECT_TRUE(h.sent.empty());
  h.tick(minutes(32));
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].kind, alerts::Notification::Kind::kResolved);
  EXPECT_EQ(h.sent[0].alert.resolved_at_ns, minutes(32));
}

TEST(RuleRuntime, DuringTheRestoreGraceOnlyTheGraceEndIsADeadline) {
  // Found in review: a restored alert whose own timer had passed kept reporting it as the next
  // deadline while the grace held it back, so the daemon's loop waited 0 ns and spun.
  alerts::AlertInstance saved;
  saved.labels = {{"alertname", "MiningBelowBreakeven"}, {"severity", "critical"}, {"site", "a"}};
  saved.state = alerts::AlertState::kPending;
  saved.active_at_ns = minutes(0);  // for: 10m, so its own timer is at minute 10
  Harness h(breakeven_rule());
  h.rules->restore({saved}, minutes(30), minutes(2));
  h.tick(minutes(30));
  EXPECT_EQ(h.rules->next_deadline(), minutes(32));
  EXPECT_EQ(h.state_of("a"), alerts::AlertState::kPending);
}

TEST(RuleRuntime, AWindowSeesTheFirstValueOnce) {
  // Found in review: a series first seen and first set in the same pass got its first point twice
  // (the seed from sync and the change itself).
  Harness h({record("n", "count_over_time(x[10m])")});
  h.set(seconds(5), "x", {}, 3);
  EXPECT_EQ(h.value("n"), 1);
}

TEST(RuleRuntime, NonFiniteValuesLeaveAWindowWithoutPoisoningIt) {
  // Found in review: +Inf added to the running sum and subtracted again left NaN behind.
  Harness h({record("r", "x / y"), record("avg", "avg_over_time(r[1m])"), record("max", "max_over_time(r[1m])")});
  h.set(seconds(0), "y", {}, 1);
  h.set(seconds(1), "x", {}, 2);
  h.set(seconds(2), "y", {}, 0);  // r = +Inf
  EXPECT_EQ(h.value("avg"), INFINITY);
  h.set(seconds(3), "y", {}, 2);  // r = 1
  h.set(seconds(100), "y", {}, 4);  // r = 0.5; the Inf has left the window (and 1 is in force at its start)
  EXPECT_EQ(h.value("avg"), 0.75);
  EXPECT_EQ(h.value("max"), 1);
}

TEST(RuleRuntime, TwoRulesWritingOneSeriesInAPassBothReachItsReaders) {
  // Found in review: the engine lists a changed series once per pass, so a second write in the
  // same pass reached neither the history nor the readers.
  Harness h({record("out", "a"), record("out", "a * 10"), record("seen", "max_over_time(out[1h])")});
  h.set(seconds(1), "a", {}, 1);  // one pass: out = 1, then out = 10
  EXPECT_EQ(h.value("out"), 10);
  EXPECT_EQ(h.value("seen"), 10);
}

TEST(RuleRuntime, AReloadedRuleSetKeepsHistoryAndRetiresOldOutputs) {
  // Found in review: a reload dropped window history (a firing max_over_time alert resolved at once)
  // and left the outputs of removed recording rules exported for ever.
  Harness h({record("x:max10m", "max_over_time(x[10m])"), record("x:doubled", "x * 2")});
  h.set(minutes(0), "x", {}, 9);
  h.set(minutes(1), "x", {}, 3);
  EXPECT_EQ(h.value("x:max10m"), 9);
  EXPECT_EQ(h.value("x:doubled"), 6);
  auto next = std::make_unique<RuleRuntime>(std::vector<RuleDef>{record("x:max10m", "max_over_time(x[10m])")}, h.registry);
  next->restore(h.rules->export_state(), minutes(2), 0);
  next->adopt(*h.rules);
  h.rules = std::move(next);
  h.tick(minutes(2));
  EXPECT_EQ(h.value("x:max10m"), 9);  // the 9 from before the reload is still in the window
  EXPECT_FALSE(h.value("x:doubled").has_value());  // its rule is gone
}

TEST(RuleRuntime, ReloadingToNoRulesRetiresEveryRecordedSeries) {
  Harness h({record("x:doubled", "x * 2")});
  h.set(minutes(0), "x", {}, 3);
  ASSERT_EQ(h.value("x:doubled"), 6);
  auto next = std::make_unique<RuleRuntime>(std::vector<RuleDef>{}, h.registry);
  next->adopt(*h.rules);
  h.rules = std::move(next);
  h.tick(minutes(1));
  EXPECT_FALSE(h.value("x:doubled").has_value());
}

TEST(RuleRuntime, AnAlertRuleThatStartsFailingKeepsItsTimersRunning) {
  // Found in review: a failed evaluation counted as "ran", so the tick skipped its instances and
  // their past-due deadline never moved (the daemon's loop spun).
  // time() makes it run on every tick, as windows, age() and offset do: the failing case that spun.
  Harness h({alert("Ratio", "a / on() b + 0 * time() > 1", minutes(10))});
  h.set(minutes(0), "b", {{"k", "1"}}, 1);
  h.set(minutes(1), "a", {}, 5);
  EXPECT_EQ(h.state_of(""), alerts::AlertState::kInactive);
  ASSERT_EQ(h.rules->alerts().size(), 1u);  // pending
  h.set(minutes(2), "b", {{"k", "2"}}, 1);  // now two series match on(): every evaluation fails
  EXPECT_GT(h.rules->counters().evaluation_failures, 0u);
  h.tick(minutes(11));  // the last verdict (holding) stands: the timer runs out and it fires
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].alert.fired_at_ns, minutes(11));
  EXPECT_GT(h.rules->next_deadline().value_or(minutes(12)), minutes(11));
}

TEST(RuleRuntime, KeepFiringForCountsFromWhenTheConditionStoppedEvenAcrossARestart) {
  // Found in review: the instant the condition stopped holding was never persisted, so after a
  // restart keep_firing_for counted from an older time and the alert resolved early.
  auto rule = alert("Hot", "t > 1");
  rule.timing.keep_firing_for_ns = minutes(30);
  std::vector<alerts::AlertInstance> saved;
  {
    Harness h({rule});
    h.set(minutes(0), "t", {}, 2);
    h.set(minutes(60), "t", {}, 0);  // held until minute 60
    saved = h.store;
  }
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].last_true_ns, minutes(60));
  Harness h({rule});
  h.rules->restore(saved, minutes(70), minutes(1));
  h.set(minutes(70), "t", {}, 0);
  h.tick(minutes(90) - 1);
  EXPECT_TRUE(h.sent.empty());
  h.tick(minutes(90));
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].kind, alerts::Notification::Kind::kResolved);
}

TEST(RuleRuntime, ARecordingRuleThatWouldWriteOneSeriesTwiceFails) {
  // Found in review: rule labels that collapse two results into one series made it flap within a
  // pass. PromQL rejects such a result; so does hashwatch, keeping the previous outputs.
  Harness h({record("all:x", "x", {{"site", "all"}})});
  h.set(seconds(1), "x", {{"site", "a"}}, 1);
  EXPECT_EQ(h.value("all:x", {{"site", "all"}}), 1);
  h.set(seconds(2), "x", {{"site", "b"}}, 2);
  EXPECT_EQ(h.rules->counters().evaluation_failures, 1u);
  EXPECT_EQ(h.value("all:x", {{"site", "all"}}), 1);
}

TEST(RuleRuntime, AReloadKeepsTheOutputsOfARecordingRuleThatFailsItsFirstPass) {
  Harness h({record("r", "a / on() b")});
  h.set(seconds(1), "b", {{"k", "1"}}, 2);
  h.set(seconds(2), "a", {}, 8);
  ASSERT_EQ(h.value("r"), 4);
  h.set(seconds(3), "b", {{"k", "2"}}, 2);  // from now on the rule fails
  auto next = std::make_unique<RuleRuntime>(std::vector<RuleDef>{record("r", "a / on() b")}, h.registry);
  next->adopt(*h.rules);
  h.rules = std::move(next);
  h.tick(seconds(4));
  EXPECT_EQ(h.value("r"), 4);  // a failed evaluation keeps the previous outputs, reload or not
}

TEST(RuleRuntime, MaxOverTimeKeepsTheFirstOfEqualValues) {
  Harness h({record("m", "max_over_time(z[1h])")});
  h.set(seconds(1), "z", {}, 0.0);
  h.set(seconds(2), "z", {}, -0.0);  // equal to +0, yet a change for the engine? no: same value
  h.set(seconds(3), "z", {}, -1);
  h.set(seconds(4), "z", {}, -0.0);
  ASSERT_TRUE(h.value("m").has_value());
  EXPECT_FALSE(std::signbit(*h.value("m")));  // +0 came first, as std::max over the points keeps it
}

TEST(RuleRuntime, AResultOverTheGroupLimitIsAFailedEvaluation) {
  auto rule = alert("Low", "m < 0");
  rule.limit = 2;
  Harness h({rule});
  h.set(seconds(1), "m", {{"site", "a"}}, -1);
  h.set(seconds(2), "m", {{"site", "b"}}, -1);
  EXPECT_EQ(h.rules->alerts().size(), 2u);
  h.set(seconds(3), "m", {{"site", "c"}}, -1);  // three alerts: over the limit
  EXPECT_EQ(h.rules->counters().evaluation_failures, 1u);
  EXPECT_EQ(h.rules->alerts().size(), 2u);  // the last verdict stands
}

TEST(RuleRuntime, RestoredStateThatNoRuleClaimsIsHandedBack) {
  alerts::AlertInstance gone;
  gone.labels = {{"alertname", "Removed"}, {"site", "a"}};
  gone.state = alerts::AlertState::kFiring;
  alerts::AlertInstance other_labels;
  other_labels.labels = {{"alertname", "MiningBelowBreakeven"}, {"severity", "info"}, {"site", "a"}};
  other_labels.state = alerts::AlertState::kPending;
  Harness h(breakeven_rule());  // its rule carries severity=critical
  const auto unclaimed = h.rules->restore({gone, other_labels}, minutes(1), 0);
  ASSERT_EQ(unclaimed.size(), 2u);
  EXPECT_TRUE(h.rules->alerts().empty());
}

TEST(RuleRuntime, ResolveExprIsHysteresis) {
  auto rule = alert("PowerHigh", "power_price_usd_per_mwh{node=\"n\"} > 100");
  rule.resolve = parse_expr("power_price_usd_per_mwh{node=\"n\"} < 90");
  Harness h({rule});
  h.set(seconds(1), "power_price_usd_per_mwh", {{"market", "m"}, {"node", "n"}}, 120);
  ASSERT_EQ(h.sent.size(), 1u);
  h.set(seconds(2), "power_price_usd_per_mwh", {{"market", "m"}, {"node", "n"}}, 95);  // below 100, not below 90
  EXPECT_EQ(h.sent.size(), 1u);
  h.set(seconds(3), "power_price_usd_per_mwh", {{"market", "m"}, {"node", "n"}}, 89);
  ASSERT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.sent[1].kind, alerts::Notification::Kind::kResolved);
  EXPECT_EQ(h.sent[1].alert.resolved_at_ns, seconds(3));
}

TEST(RuleRuntime, KeepFiringForAndRepeatIntervalRunOnTicks) {
  auto rule = alert("Hot", "t > 1");
  rule.timing.keep_firing_for_ns = minutes(5);
  rule.timing.repeat_interval_ns = minutes(60);
  Harness h({rule});
  h.set(minutes(0), "t", {}, 2);
  h.tick(minutes(60));
  ASSERT_EQ(h.sent.size(), 2u);  // fired, then repeated after an hour
  EXPECT_EQ(h.sent[1].alert.last_sent_ns, minutes(60));
  h.set(minutes(61), "t", {}, 0);
  h.tick(minutes(66) - 1);
  EXPECT_EQ(h.sent.size(), 2u);
  h.tick(minutes(66));
  ASSERT_EQ(h.sent.size(), 3u);
  EXPECT_EQ(h.sent[2].kind, alerts::Notification::Kind::kResolved);
}

TEST(RuleRuntime, OneAlertPerOutputLabelSetWithStableFingerprints) {
  Harness h({alert("Low", "m < 0", 0, {{"severity", "warning"}})});
  h.set(seconds(1), "m", {{"site", "a"}}, -1);
  h.set(seconds(2), "m", {{"site", "b"}}, -2);
  h.set(seconds(3), "m", {{"site", "c"}}, 3);
  const auto views = h.rules->alerts();
  ASSERT_EQ(views.size(), 2u);
  const Labels expected{{"alertname", "Low"}, {"severity", "warning"}, {"site", "a"}};
  EXPECT_EQ(views[0].alert.labels, expected);
  EXPECT_EQ(views[0].alert.fingerprint, alerts::fingerprint(expected));
}

TEST(RuleRuntime, ChecksRejectCyclesAndNumberValuedAlerts) {
  auto problems = check_rules({record("a:x", "b:x + 1"), record("b:x", "a:x * 2"), record("c", "1")});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("cycle: a:x, b:x"), std::string::npos) << problems[0].message;
  problems = check_rules({alert("Num", "1 + 1")});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("must return series"), std::string::npos);
  EXPECT_THROW(RuleRuntime({record("s", "s + 1")}, *std::make_unique<SeriesRegistry>()), std::invalid_argument);
}

TEST(RuleRuntime, ScalarRecordingRuleWritesOneSeries) {
  Harness h({record("now_s", "time()")});
  h.tick(seconds(42));
  EXPECT_EQ(h.value("now_s"), 42);
}

}  // namespace
}  // namespace hashwatch::rules
