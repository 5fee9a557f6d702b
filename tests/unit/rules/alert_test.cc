#include "rules/alerts/alert.h"

#include <gtest/gtest.h>

namespace hashwatch::rules::alerts {
namespace {

constexpr TimeNs at(int minutes) { return static_cast<TimeNs>(minutes) * kNsPerMinute; }

class AlertLifecycle : public ::testing::Test {
 protected:
  AlertInstance alert{Labels{{"alertname", "MiningBelowBreakeven"}, {"site", "tx-1"}}, 42};
  AlertTiming timing{10 * kNsPerMinute, 0, 0};
  std::vector<std::pair<TimeNs, Notification::Kind>> sent;
  void tick(int minute, bool holds, bool resolve_holds = true) {
    if (auto n = step(alert, timing, holds, holds ? false : resolve_holds, 1.0, at(minute))) sent.emplace_back(n->at_ns, n->kind);
  }
};

TEST_F(AlertLifecycle, PendingBecomesFiringExactlyAfterFor) {
  tick(0, true);
  EXPECT_EQ(alert.state, AlertState::kPending);
  EXPECT_EQ(next_deadline(alert, timing), at(10));
  tick(9, true);
  EXPECT_EQ(alert.state, AlertState::kPending);
  tick(10, true);
  EXPECT_EQ(alert.state, AlertState::kFiring);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], std::make_pair(at(10), Notification::Kind::kFiring));
  tick(11, true);
  EXPECT_EQ(sent.size(), 1u);  // no duplicate while it keeps firing
}

TEST_F(AlertLifecycle, PendingThatClearsNeverNotifies) {
  tick(0, true);
  tick(5, false);
  EXPECT_EQ(alert.state, AlertState::kInactive);
  tick(6, true);  // pending starts again from here
  tick(15, true);
  EXPECT_EQ(alert.state, AlertState::kPending);
  tick(16, true);
  EXPECT_EQ(alert.state, AlertState::kFiring);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first, at(16));
}

TEST_F(AlertLifecycle, ResolvedWhenAbsent) {
  tick(0, true);
  tick(10, true);
  tick(12, false);
  EXPECT_EQ(alert.state, AlertState::kInactive);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1], std::make_pair(at(12), Notification::Kind::kResolved));
  EXPECT_EQ(alert.resolved_at_ns, at(12));
}

TEST_F(AlertLifecycle, KeepFiringForHoldsAfterTheConditionClears) {
  timing.keep_firing_for_ns = 5 * kNsPerMinute;
  tick(0, true);
  tick(10, true);
  tick(11, false);
  EXPECT_EQ(alert.state, AlertState::kFiring);
  EXPECT_EQ(next_deadline(alert, timing), at(15));
  tick(14, false);
  EXPECT_EQ(alert.state, AlertState::kFiring);
  tick(15, false);
  EXPECT_EQ(alert.state, AlertState::kInactive);
  EXPECT_EQ(sent.back(), std::make_pair(at(15), Notification::Kind::kResolved));
}

TEST_F(AlertLifecycle, RepeatIntervalAppliesWhileKeepFiringForHoldsTheAlert) {
  // Found in review: the repeat deadline was offered but step() returned before honouring it inside
  // the keep_firing_for window, so the deadline never moved (the engine loop spun on it).
  timing.for_ns = 0;
  timing.keep_firing_for_ns = 10 * kNsPerMinute;
  timing.repeat_interval_ns = 1 * kNsPerMinute;
  tick(0, true);
  tick(0, false);  // clears at once; keep_firing_for holds it until minute 10
  EXPECT_EQ(next_deadline(alert, timing), at(1));
  tick(1, false);
  EXPECT_EQ(alert.state, AlertState::kFiring);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1], std::make_pair(at(1), Notification::Kind::kFiring));
  EXPECT_EQ(next_deadline(alert, timing), at(2));  // it moved
  tick(10, false);
  EXPECT_EQ(alert.state, AlertState::kInactive);
  EXPECT_EQ(sent.back(), std::make_pair(at(10), Notification::Kind::kResolved));
}

TEST_F(AlertLifecycle, RepeatIntervalResendsWhileFiring) {
  timing.repeat_interval_ns = 60 * kNsPerMinute;
  tick(0, true);
  tick(10, true);
  tick(69, true);
  tick(70, true);
  tick(100, true);
  tick(130, true);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].first, at(70));
  EXPECT_EQ(sent[2].first, at(130));
}

TEST_F(AlertLifecycle, HysteresisWaitsForTheResolveCondition) {
  tick(0, true);
  tick(10, true);
  tick(11, false, /*resolve_holds=*/false);  // back under the alert threshold, not yet under resolve
  EXPECT_EQ(alert.state, AlertState::kFiring);
  tick(12, false, /*resolve_holds=*/true);
  EXPECT_EQ(alert.state, AlertState::kInactive);
  EXPECT_EQ(sent.back(), std::make_pair(at(12), Notification::Kind::kResolved));
}

TEST_F(AlertLifecycle, RestartMidForContinuesTheTimer) {
  tick(0, true);
  tick(4, true);
  // The persisted instance comes back after a restart: same state, same active_at.
  AlertInstance restored = alert;
  alert = AlertInstance{};
  alert = restored;
  tick(7, true);
  EXPECT_EQ(alert.state, AlertState::kPending);
  tick(10, true);
  EXPECT_EQ(alert.state, AlertState::kFiring);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first, at(10));
}

TEST_F(AlertLifecycle, RestartWhileFiringSendsNothingTwice) {
  tick(0, true);
  tick(10, true);
  AlertInstance restored = alert;
  alert = restored;
  tick(11, true);
  tick(12, true);
  EXPECT_EQ(sent.size(), 1u);
}

TEST(Fingerprint, StableAndLabelSensitive) {
  const Labels a{{"alertname", "X"}, {"site", "a"}};
  EXPECT_EQ(fingerprint(a), fingerprint(Labels{{"alertname", "X"}, {"site", "a"}}));
  EXPECT_NE(fingerprint(a), fingerprint(Labels{{"alertname", "X"}, {"site", "b"}}));
  EXPECT_NE(fingerprint(Labels{{"ab", "c"}}), fingerprint(Labels{{"a", "bc"}}));
  EXPECT_EQ(fingerprint_hex(fingerprint(Labels{})), "cbf29ce484222325");  // the FNV-1a 64 offset basis
  // FNV-1a over "alertname" 0xff "X" 0xff, computed independently.
  EXPECT_EQ(fingerprint_hex(fingerprint(Labels{{"alertname", "X"}})), "d2aeefc389ca7746");
}

TEST(Templates, LabelsAndValue) {
  const Labels labels{{"site", "tx-1"}, {"node", "HB_WEST"}};
  EXPECT_EQ(expand_template("{{ $labels.site }}: power {{ $value }} $/MWh is above breakeven", labels, 104.5),
            "tx-1: power 104.5 $/MWh is above breakeven");
  EXPECT_EQ(expand_template("{{$value | printf \"%.2f\"}} at {{ $labels.node }}", labels, 3.14159), "3.14 at HB_WEST");
  EXPECT_EQ(expand_template("{{ $labels.missing }}|{{ .Unknown }}", labels, 0), "|{{ .Unknown }}");
  // A format that is not one floating-point conversion is not used (no format-string hazard).
  EXPECT_EQ(expand_template("{{ $value | printf \"%s of %n\" }}", labels, 2.5), "2.5");
}

}  // namespace
}  // namespace hashwatch::rules::alerts
