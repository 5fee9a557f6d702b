#include "rules/local_time.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "connectors/common/parse_util.h"
#include "connectors/ercot/ercot_time.h"
#include "rules/model/tariff.h"

namespace hashwatch::rules {
namespace {

TimeNs utc(const char* text) { return *connectors::parse_rfc3339_ns(text); }

class CentralTime : public ::testing::Test {
 protected:
  TimeZone central = *TimeZone::find("America/Chicago");
};

TEST_F(CentralTime, UnknownZoneIsNotFound) { EXPECT_FALSE(TimeZone::find("America/Nowhere")); }

TEST_F(CentralTime, SummerAndWinterOffsets) {
  EXPECT_EQ(central.to_utc({2025, 7, 1, 12, 0, 0}, Ambiguity::kEarliest), utc("2025-07-01T17:00:00Z"));
  EXPECT_EQ(central.to_utc({2025, 1, 15, 12, 0, 0}, Ambiguity::kEarliest), utc("2025-01-15T18:00:00Z"));
  EXPECT_EQ(central.to_local(utc("2025-07-01T17:00:00Z")), (LocalDateTime{2025, 7, 1, 12, 0, 0}));
}

TEST_F(CentralTime, RepeatedHourHasTwoInstants) {
  EXPECT_EQ(central.to_utc({2024, 11, 3, 1, 30, 0}, Ambiguity::kEarliest), utc("2024-11-03T06:30:00Z"));
  EXPECT_EQ(central.to_utc({2024, 11, 3, 1, 30, 0}, Ambiguity::kLatest), utc("2024-11-03T07:30:00Z"));
}

TEST_F(CentralTime, SkippedHourDoesNotExist) {
  EXPECT_FALSE(central.to_utc({2025, 3, 9, 2, 30, 0}, Ambiguity::kEarliest));
  EXPECT_EQ(central.to_utc({2025, 3, 9, 3, 0, 0}, Ambiguity::kEarliest), utc("2025-03-09T08:00:00Z"));
}

// ERCOT days as the public API numbers them: hour ending 1-24, intervals 1-4, DSTFlag on the second
// pass of the repeated hour.
std::vector<TimeNs> ercot_day(const TimeZone& central, int y, unsigned m, unsigned d) {
  std::vector<TimeNs> starts;
  for (int he = 1; he <= 24; ++he) {
    for (int iv = 1; iv <= 4; ++iv) {
      if (auto t = connectors::ercot::interval_start_utc(central, y, m, d, he, iv, false)) starts.push_back(*t);
      // The repeated hour is published twice, the second time with DSTFlag = true.
      auto second = connectors::ercot::interval_start_utc(central, y, m, d, he, iv, true);
      if (second && std::find(starts.begin(), starts.end(), *second) == starts.end()) starts.push_back(*second);
    }
  }
  std::sort(starts.begin(), starts.end());
  return starts;
}

void expect_contiguous(const std::vector<TimeNs>& starts, TimeNs first) {
  ASSERT_FALSE(starts.empty());
  EXPECT_EQ(starts.front(), first);
  for (std::size_t i = 1; i < starts.size(); ++i) {
    ASSERT_EQ(starts[i] - starts[i - 1], 15 * kNsPerMinute) << i;
  }
}

TEST_F(CentralTime, FallBackDayHasOneHundredIntervals) {
  const auto starts = ercot_day(central, 2024, 11, 3);
  EXPECT_EQ(starts.size(), 100u);
  expect_contiguous(starts, utc("2024-11-03T05:00:00Z"));
  EXPECT_EQ(starts.back(), utc("2024-11-04T05:45:00Z"));
  // Hour ending 2, interval 1: 01:00 CDT, then with DSTFlag 01:00 CST.
  EXPECT_EQ(connectors::ercot::interval_start_utc(central, 2024, 11, 3, 2, 1, false), utc("2024-11-03T06:00:00Z"));
  EXPECT_EQ(connectors::ercot::interval_start_utc(central, 2024, 11, 3, 2, 1, true), utc("2024-11-03T07:00:00Z"));
}

TEST_F(CentralTime, SpringForwardDayHasNinetyTwoIntervals) {
  const auto starts = ercot_day(central, 2025, 3, 9);
  EXPECT_EQ(starts.size(), 92u);
  expect_contiguous(starts, utc("2025-03-09T06:00:00Z"));
  EXPECT_FALSE(connectors::ercot::interval_start_utc(central, 2025, 3, 9, 3, 1, false));
}

TEST_F(CentralTime, OrdinaryDayHasNinetySix) { EXPECT_EQ(ercot_day(central, 2025, 7, 1).size(), 96u); }

TEST_F(CentralTime, AgreesWithTheErcotHistoryFileOnEveryRow) {
  std::ifstream in(std::string(HASHWATCH_SOURCE_DIR) +
                   "/tests/fixtures/data/ercot_hb_south_rt_da_15min_2024-06-01_2025-03-27.csv");
  std::string line;
  std::getline(in, line);
  int rows = 0, nonexistent = 0;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string local, utc_text;
    std::getline(ss, local, ',');
    std::getline(ss, utc_text, ',');
    const LocalDateTime l{std::stoi(local.substr(0, 4)), unsigned(std::stoi(local.substr(5, 2))),
                          unsigned(std::stoi(local.substr(8, 2))), std::stoi(local.substr(11, 2)),
                          std::stoi(local.substr(14, 2)), 0};
    const auto got = central.to_utc(l, Ambiguity::kEarliest);  // the file assumed the first pass
    if (utc_text.empty()) {
      EXPECT_FALSE(got) << local;
      ++nonexistent;
    } else {
      ASSERT_TRUE(got) << local;
      EXPECT_EQ(*got, utc(utc_text.c_str())) << local;
    }
    ++rows;
  }
  EXPECT_EQ(rows, 28800);
  EXPECT_EQ(nonexistent, 4);  // 2025-03-09 02:00-02:45
}

TEST_F(CentralTime, TouSwitchesAtLocalBoundaryAcrossDst) {
  Tariff t;
  t.zone = central;
  t.base_usd_per_mwh = 40;
  t.periods.push_back(TouPeriod{"on_peak", kWeekdays, 14 * 60, 20 * 60, 95});
  t.adder_usd_per_mwh = 4.5;
  // Friday 2025-03-07 is on CST (UTC-6): on-peak starts 20:00Z.
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-03-07T19:59:59Z")), 44.5);
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-03-07T20:00:00Z")), 99.5);
  EXPECT_EQ(tariff_period_name(t, utc("2025-03-07T20:00:00Z")), "on_peak");
  // Monday 2025-03-10 is on CDT (UTC-5): the same local 14:00 is 19:00Z.
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-03-10T18:59:59Z")), 44.5);
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-03-10T19:00:00Z")), 99.5);
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-03-11T00:59:59Z")), 99.5);  // 19:59:59 CDT
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-03-11T01:00:00Z")), 44.5);  // 20:00 CDT
  // Weekend: no on-peak.
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-03-08T20:00:00Z")), 44.5);
  // The next boundary from Monday morning is 14:00 CDT.
  EXPECT_EQ(next_tariff_boundary(t, utc("2025-03-10T15:00:00Z")), utc("2025-03-10T19:00:00Z"));
}

TEST_F(CentralTime, BoundaryInTheSkippedHourHappensAtTheJump) {
  Tariff t;
  t.zone = central;
  t.base_usd_per_mwh = 30;
  t.periods.push_back(TouPeriod{"night", 0x7F, 2 * 60, 5 * 60, 10});
  // 2025-03-09 00:30 CST: local 02:00 does not exist; clocks jump from 01:59:59 CST to 03:00 CDT.
  EXPECT_EQ(next_tariff_boundary(t, utc("2025-03-09T06:30:00Z")), utc("2025-03-09T08:00:00Z"));
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-03-09T07:59:59Z")), 30);
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-03-09T08:00:00Z")), 10);
  // Fall back: 05:00 CST ends the period an hour later in UTC than the day before.
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2024-11-03T10:59:59Z")), 10);
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2024-11-03T11:00:00Z")), 30);
}

TEST_F(CentralTime, HolidaysArePricedLikeSundayAndOvernightPeriodsWrap) {
  Tariff t;
  t.zone = central;
  t.base_usd_per_mwh = 50;
  t.periods.push_back(TouPeriod{"super_off_peak", 0x7F, 22 * 60, 6 * 60, 20});
  t.periods.push_back(TouPeriod{"on_peak", kWeekdays, 16 * 60, 21 * 60, 120});
  t.holidays.push_back(LocalDate{2025, 7, 4});
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-07-03T22:00:00Z")), 120);  // Thu 17:00 CDT
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-07-04T22:00:00Z")), 50);   // Fri holiday 17:00
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-07-05T04:00:00Z")), 20);   // 23:00 local
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-07-05T10:59:00Z")), 20);   // 05:59 local
  EXPECT_EQ(tariff_price_usd_per_mwh(t, utc("2025-07-05T11:00:00Z")), 50);   // 06:00 local
  Tariff fixed;
  fixed.fixed_usd_per_mwh = 38;
  fixed.adder_usd_per_mwh = 2;
  EXPECT_EQ(tariff_price_usd_per_mwh(fixed, utc("2025-07-05T11:00:00Z")), 40);
  EXPECT_FALSE(next_tariff_boundary(fixed, 0));
}

}  // namespace
}  // namespace hashwatch::rules
