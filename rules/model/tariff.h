// Power tariffs that are not a market price: a fixed price, or a time-of-use schedule in a local
// time zone (weekday masks, minute-of-day periods, holidays priced like a chosen weekday), plus an
// adder. Pure: the price at a UTC instant, and the next instant it can change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/local_time.h"

namespace hashwatch::rules {

struct TouPeriod {
  std::string name;                // e.g. "on_peak"
  std::uint8_t days = 0x7F;        // bit (iso weekday - 1): Monday = 0x01 … Sunday = 0x40
  int start_minute = 0;            // local minute of day, inclusive
  int end_minute = 1440;           // exclusive; a period with end < start runs past midnight
  double price_usd_per_mwh = 0.0;
};

inline constexpr std::uint8_t kWeekdays = 0x1F;
inline constexpr std::uint8_t kWeekends = 0x60;

struct Tariff {
  std::optional<double> fixed_usd_per_mwh;  // set: a flat price, the schedule is ignored
  std::optional<TimeZone> zone;             // required for a schedule
  std::vector<TouPeriod> periods;           // the first period that matches wins
  double base_usd_per_mwh = 0.0;            // price when no period matches
  std::vector<LocalDate> holidays;          // priced as `holiday_weekday`
  unsigned holiday_weekday = 7;             // ISO weekday holidays are treated as (7 = Sunday)
  double adder_usd_per_mwh = 0.0;           // added to every price (delivery, fees)
};

// Price in force at `utc`, adder included.
double tariff_price_usd_per_mwh(const Tariff& tariff, TimeNs utc);
// The name of the period in force ("" for the base price or a fixed tariff).
std::string tariff_period_name(const Tariff& tariff, TimeNs utc);
// The first instant after `utc` at which the price can change (a period edge or a local midnight);
// std::nullopt for a fixed tariff.
std::optional<TimeNs> next_tariff_boundary(const Tariff& tariff, TimeNs utc);

}  // namespace hashwatch::rules
