#include "tools/feedsim/replay.h"

#include <gtest/gtest.h>

namespace hashwatch::feedsim {
namespace {

Recording trades() {
  return Recording({R"({"t":10,"T":1000,"p":"1.50"})", R"({"t":12,"T":3000,"p":"2.00"})",
                    R"({"x":1})"},
                   ShiftSpec{{{"t"}}, {{"T", TimeUnit::kMillisInt}}});
}

TEST(Recording, FirstCycleIsVerbatim) {
  const Recording r = trades();
  EXPECT_EQ(r.frame(0, 0).text, R"({"t":10,"T":1000,"p":"1.50"})");
  EXPECT_TRUE(r.frame(0, 0).has_sequence);
  EXPECT_FALSE(r.frame(2, 0).has_sequence);
}

TEST(Recording, LaterCyclesContinueIdsAndTime) {
  const Recording r = trades();
  // ids span 10..12 (3), so cycle 1 starts at 13; times span 2 s + 1 s.
  EXPECT_EQ(r.frame(0, 1).text, R"({"t":13,"T":4000,"p":"1.50"})");
  EXPECT_EQ(r.frame(1, 2).text, R"({"t":18,"T":9000,"p":"2.00"})");
}

TEST(Recording, GroupedKeysShiftTogetherAndOtherTextIsKept) {
  const Recording r({R"({"trade_id":5,"time":"2025-07-01T12:00:00.000000Z","price":105560.0})",
                     R"({"last_trade_id":6,"time":"2025-07-01T12:00:01.000000Z"})"},
                    ShiftSpec{{{"trade_id", "last_trade_id"}}, {{"time", TimeUnit::kRfc3339Micros}}});
  EXPECT_EQ(r.frame(0, 1).text,
            R"({"trade_id":7,"time":"2025-07-01T12:00:02.000000Z","price":105560.0})");
  EXPECT_EQ(r.frame(1, 1).text, R"({"last_trade_id":8,"time":"2025-07-01T12:00:03.000000Z"})");
}

TEST(Recording, StringTimesInMicrosAndSeconds) {
  const Recording r({R"({"id":1,"microtimestamp":"1000000","timestamp":"1"})"},
                    ShiftSpec{{{"id"}},
                              {{"microtimestamp", TimeUnit::kMicrosString},
                               {"timestamp", TimeUnit::kSecondsString}}});
  EXPECT_EQ(r.frame(0, 1).text, R"({"id":2,"microtimestamp":"2000000","timestamp":"2"})");
}

TEST(Cursor, StopsOrLoops) {
  auto r = std::make_shared<const Recording>(trades());
  Cursor once(r, false);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(once.next());
  EXPECT_FALSE(once.next());
  Cursor forever(r, true);
  for (int i = 0; i < 7; ++i) EXPECT_TRUE(forever.next());
  EXPECT_EQ(forever.cycle(), 2u);
}

}  // namespace
}  // namespace hashwatch::feedsim

namespace hashwatch::feedsim {
namespace {

TEST(MarketClock, ReconnectingClientsSeeTheMarketMoveOn) {
  auto r = std::make_shared<const Recording>(trades());
  auto clock = std::make_shared<MarketClock>();
  Cursor first(r, true, clock);
  EXPECT_EQ(first.next()->text, R"({"t":10,"T":1000,"p":"1.50"})");
  for (int i = 0; i < 3; ++i) first.next();  // into cycle 1
  Cursor second(r, true, clock);               // a reconnect starts after every cycle used
  EXPECT_EQ(second.cycle(), 2u);
  EXPECT_EQ(second.next()->text, R"({"t":16,"T":7000,"p":"1.50"})");
}

}  // namespace
}  // namespace hashwatch::feedsim
