#include "rules/model/tariff.h"

#include <algorithm>
#include <limits>

namespace hashwatch::rules {

namespace {

const TouPeriod* period_at(const Tariff& t, TimeNs utc) {
  const LocalDateTime local = t.zone->to_local(utc);
  unsigned weekday = t.zone->iso_weekday(utc);
  const LocalDate today{local.year, local.month, local.day};
  if (std::find(t.holidays.begin(), t.holidays.end(), today) != t.holidays.end()) {
    weekday = t.holiday_weekday;
  }
  const int minute = local.hour * 60 + local.minute;
  const unsigned yesterday = weekday == 1 ? 7 : weekday - 1;
  for (const TouPeriod& p : t.periods) {
    if (p.start_minute <= p.end_minute) {
      if ((p.days >> (weekday - 1) & 1) && minute >= p.start_minute && minute < p.end_minute) return &p;
    } else {
      // Runs past midnight: the evening part belongs to its start day, the morning part to the
      // day before.
      if ((p.days >> (weekday - 1) & 1) && minute >= p.start_minute) return &p;
      if ((p.days >> (yesterday - 1) & 1) && minute < p.end_minute) return &p;
    }
  }
  return nullptr;
}

}  // namespace

double tariff_price_usd_per_mwh(const Tariff& t, TimeNs utc) {
  if (t.fixed_usd_per_mwh) return *t.fixed_usd_per_mwh + t.adder_usd_per_mwh;
  if (!t.zone) return t.base_usd_per_mwh + t.adder_usd_per_mwh;
  const TouPeriod* p = period_at(t, utc);
  return (p != nullptr ? p->price_usd_per_mwh : t.base_usd_per_mwh) + t.adder_usd_per_mwh;
}

std::string tariff_period_name(const Tariff& t, TimeNs utc) {
  if (t.fixed_usd_per_mwh || !t.zone) return {};
  const TouPeriod* p = period_at(t, utc);
  return p != nullptr ? p->name : std::string();
}

std::optional<TimeNs> next_tariff_boundary(const Tariff& t, TimeNs utc) {
  if (t.fixed_usd_per_mwh || !t.zone) return std::nullopt;
  const LocalDateTime now = t.zone->to_local(utc);
  TimeNs best = std::numeric_limits<TimeNs>::max();
  // Candidate edges over today and the next two local days (a period edge can be a day away).
  const TimeNs noon = t.zone->to_utc({now.year, now.month, now.day, 12, 0, 0}, Ambiguity::kEarliest).value_or(utc);
  for (int d = 0; d <= 2; ++d) {
    const LocalDateTime day = t.zone->to_local(noon + d * kNsPerDay);
    std::vector<int> minutes{0};
    for (const TouPeriod& p : t.periods) {
      minutes.push_back(p.start_minute % 1440);
      minutes.push_back(p.end_minute % 1440);
    }
    for (int m : minutes) {
      for (Ambiguity a : {Ambiguity::kEarliest, Ambiguity::kLatest}) {
        auto edge = t.zone->to_utc({day.year, day.month, day.day, m / 60, m % 60, 0}, a);
        if (!edge) {
          // A local time that does not exist (DST start): the edge happens at the jump.
          edge = t.zone->to_utc({day.year, day.month, day.day, m / 60 + 1, m % 60, 0}, Ambiguity::kEarliest);
        }
        if (edge && *edge > utc) best = std::min(best, *edge);
      }
    }
  }
  return best;
}

}  // namespace hashwatch::rules
