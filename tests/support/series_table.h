// An in-memory series table for expression tests, the fuzz target and benchmarks: every series with
// all its points, served both to the tree-walker (SeriesSource, by selector) and to compiled
// programs (SeriesCatalog, by id in table order). A series is the step function of its points: the
// value at t is the last point at or before t, and a window (from, to] also holds the point in
// force at `from`. Header-only, so the fuzz target (built outside CMake) can use it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/expr/eval.h"
#include "rules/expr/program.h"
#include "rules/series_registry.h"

namespace hashwatch::testing {

struct TableSeries {
  std::string name;
  rules::Labels labels;                 // sorted
  std::vector<rules::expr::Point> points;  // in time order
};

class SeriesTable final : public rules::expr::SeriesSource, public rules::expr::SeriesCatalog {
 public:
  using Node = rules::expr::Node;
  using Point = rules::expr::Point;

  SeriesTable(std::vector<TableSeries> series, TimeNs now) : series_(std::move(series)), now_(now) {
    for (const TableSeries& x : series_) registry_.intern(x.name, x.labels);
  }
  const std::vector<TableSeries>& series() const { return series_; }
  // Pretend only the first n series are interned yet (the rest arrive later).
  void show(std::size_t n) { visible_ = n; }

  // --- SeriesSource (the tree-walker) ---
  void instant(const Node& sel, TimeNs at, rules::expr::Vector& out) const override {
    for (const TableSeries& x : series_) {
      if (!rules::expr::matches(sel, x.name, x.labels)) continue;
      if (const Point* p = last_at(x.points, at)) out.push_back(rules::expr::Sample{x.name, x.labels, p->v});
    }
  }
  void range(const Node& sel, TimeNs from, TimeNs to, std::vector<rules::expr::RangeSeries>& out) const override {
    for (const TableSeries& x : series_) {
      if (!rules::expr::matches(sel, x.name, x.labels)) continue;
      rules::expr::RangeSeries r{x.name, x.labels, {}};
      if (const Point* carried = last_at(x.points, from)) r.points.push_back(*carried);
      for (const Point& p : x.points) {
        if (p.t > from && p.t <= to) r.points.push_back(p);
      }
      out.push_back(std::move(r));
    }
  }
  void changed_at(const Node& sel, std::vector<std::pair<rules::expr::Sample, TimeNs>>& out) const override {
    for (const TableSeries& x : series_) {
      TimeNs t;
      if (!rules::expr::matches(sel, x.name, x.labels) || !last_change(x.points, t)) continue;
      out.emplace_back(rules::expr::Sample{x.name, x.labels, x.points.back().v}, t);
    }
  }

  // --- SeriesCatalog (compiled programs) ---
  std::size_t series_count() const override { return std::min(visible_, registry_.series_count()); }
  const rules::SeriesInfo& info(rules::SeriesId id) const override { return registry_.info(id); }
  bool current(rules::SeriesId id, double& value) const override { return value_at(id, now_, value); }
  bool changed_at(rules::SeriesId id, TimeNs& at) const override { return last_change(series_[id].points, at); }
  bool value_at(rules::SeriesId id, TimeNs at, double& value) const override {
    const Point* p = last_at(series_[id].points, at);
    if (p == nullptr) return false;
    value = p->v;
    return true;
  }
  rules::expr::HistoryView history(rules::SeriesId id) const override {
    const auto& p = series_[id].points;
    return rules::expr::HistoryView{p.data(), p.size(), 0, 0, p.size()};
  }

 private:
  static const Point* last_at(const std::vector<Point>& points, TimeNs at) {
    auto it = std::upper_bound(points.begin(), points.end(), at, [](TimeNs t, const Point& q) { return t < q.t; });
    return it == points.begin() ? nullptr : &*std::prev(it);
  }
  static bool last_change(const std::vector<Point>& p, TimeNs& at) {
    if (p.empty()) return false;
    at = p.front().t;
    for (std::size_t i = 1; i < p.size(); ++i) {
      if (p[i].v != p[i - 1].v) at = p[i].t;
    }
    return true;
  }

  std::vector<TableSeries> series_;
  rules::SeriesRegistry registry_;
  TimeNs now_;
  std::size_t visible_ = SIZE_MAX;
};

}  // namespace hashwatch::testing
