#include "daemon/replay.h"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "connectors/common/parse_util.h"
#include "daemon/app.h"
#include "rules/engine.h"
#include "rules/rule_runtime.h"

namespace hashwatch::daemon {

namespace {

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string c; std::getline(ss, c, sep);) out.push_back(c);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

[[noreturn]] void fail(const std::string& path, std::size_t line, const std::string& message) {
  throw std::runtime_error(path + ":" + std::to_string(line) + ": " + message);
}

double number(const std::string& path, std::size_t line, const std::string& text) {
  auto v = connectors::parse_decimal(text);
  if (!v) fail(path, line, "\"" + text + "\" is not a number");
  return *v;
}

TimeNs utc_time(const std::string& path, std::size_t line, const std::string& text) {
  auto t = connectors::parse_rfc3339_ns(text);
  if (!t) fail(path, line, "\"" + text + "\" is not an RFC 3339 UTC time");
  return *t;
}

// time_utc,series,labels,value with labels "k=v;k=v".
std::vector<RawEvent> read_events(const std::string& path, std::istream& in) {
  std::vector<RawEvent> out;
  std::string line;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    const auto c = split(line, ',');
    if (c.size() != 4) fail(path, n, "expected time_utc,series,labels,value");
    RawEvent e{utc_time(path, n, c[0]), c[1], {}, number(path, n, c[3])};
    for (const auto& kv : split(c[2], ';')) {
      if (kv.empty()) continue;
      const auto eq = kv.find('=');
      if (eq == std::string::npos) fail(path, n, "label \"" + kv + "\" is not k=v");
      e.labels.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    out.push_back(std::move(e));
  }
  return out;
}

// interval_start_local_ct,interval_start_utc,<node>_rtm_spp_usd_per_mwh,...: one ERCOT price per
// node column; rows without a UTC instant (a local time that does not exist) are skipped.
std::vector<RawEvent> read_ercot(const std::string& path, const std::vector<std::string>& header, std::istream& in) {
  std::vector<std::pair<std::size_t, std::string>> columns;
  for (std::size_t i = 2; i < header.size(); ++i) {
    const std::string& h = header[i];
    const auto rtm = h.find("_rtm_spp_usd_per_mwh");
    const auto plain = h.find("_usd_per_mwh");
    if (rtm != std::string::npos) {
      columns.emplace_back(i, h.substr(0, rtm));
    } else if (plain != std::string::npos && h.find("_dam_") == std::string::npos) {
      columns.emplace_back(i, h.substr(0, plain));
    }
  }
  std::vector<RawEvent> out;
  std::string line;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    const auto c = split(line, ',');
    if (c.size() < 2 || c[1].empty()) continue;
    const TimeNs t = utc_time(path, n, c[1]);
    for (const auto& [i, node] : columns) {
      if (i >= c.size() || c[i].empty()) continue;
      std::string upper = node;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
      out.push_back(RawEvent{t, "power_price_usd_per_mwh", {{"market", "ercot"}, {"node", upper}}, number(path, n, c[i])});
    }
  }
  return out;
}

// date_utc,blocks,fees_total_btc,...: at 00:00Z of each day, the day's mean fees per block, the
// height at its end (block 840,000 opens 2024-04-20), that height's epoch difficulty (from
// btc_difficulty_epochs.csv beside it) and the day's closing price (btc_usd_daily_ohlc_*.csv beside it).
std::vector<RawEvent> read_daily(const std::string& path, std::istream& in) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(path).parent_path();
  std::map<long, double> epochs;
  std::map<std::string, double> close;
  for (const auto& entry : fs::directory_iterator(dir.empty() ? fs::path(".") : dir)) {
    const std::string name = entry.path().filename().string();
    std::ifstream f(entry.path());
    std::string line;
    std::getline(f, line);
    if (name.starts_with("btc_difficulty_epochs")) {
      while (std::getline(f, line)) {
        const auto c = split(line, ',');
        if (c.size() >= 8) epochs[std::stol(c[0])] = std::stod(c[7]);
      }
    } else if (name.starts_with("btc_usd_daily_ohlc")) {
      while (std::getline(f, line)) {
        const auto c = split(line, ',');
        if (c.size() >= 5) close[c[0]] = std::stod(c[4]);
      }
    }
  }
  if (epochs.empty() || close.empty()) {
    throw std::runtime_error(path + ": the daily converter needs btc_difficulty_epochs.csv and "
                                    "btc_usd_daily_ohlc_*.csv in the same folder");
  }
  struct Day { std::string date; long blocks; double fees; };
  std::vector<Day> days;
  std::string line;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    const auto c = split(line, ',');
    if (c.size() < 3) fail(path, n, "expected date_utc,blocks,fees_total_btc");
    days.push_back(Day{c[0], std::stol(c[1]), number(path, n, c[2])});
  }
  auto halving = std::find_if(days.begin(), days.end(), [](const Day& d) { return d.date == "2024-04-20"; });
  if (halving == days.end()) throw std::runtime_error(path + ": the height anchor 2024-04-20 is not in the file");
  std::vector<long> height_end(days.size());
  long h = 839'999;
  for (auto i = static_cast<std::size_t>(halving - days.begin()); i < days.size(); ++i) height_end[i] = (h += days[i].blocks);
  h = 839'999;
  for (auto i = static_cast<std::size_t>(halving - days.begin()); i-- > 0;) {
    height_end[i] = h;
    h -= days[i].blocks;
  }
  std::vector<RawEvent> out;
  for (std::size_t i = 0; i < days.size(); ++i) {
    const TimeNs t = utc_time(path, i + 2, days[i].date + "T00:00:00Z");
    auto epoch = epochs.find(height_end[i] / 2016);
    auto price = close.find(days[i].date);
    if (epoch == epochs.end() || price == close.end()) continue;
    out.push_back(RawEvent{t, "block_height", {}, static_cast<double>(height_end[i])});
    out.push_back(RawEvent{t, "difficulty", {}, epoch->second});
    out.push_back(RawEvent{t, "fees_per_block_btc", {}, days[i].fees / static_cast<double>(days[i].blocks)});
    out.push_back(RawEvent{t, "btc_usd", {{"source", "daily"}}, price->second});
  }
  return out;
}

}  // namespace

std::vector<RawEvent> read_replay_input(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read file");
  std::string header_line;
  std::getline(in, header_line);
  const auto header = split(header_line, ',');
  if (header_line == "time_utc,series,labels,value") return read_events(path, in);
  if (header.size() >= 3 && header[0] == "interval_start_local_ct" && header[1] == "interval_start_utc") {
    return read_ercot(path, header, in);
  }
  if (header.size() >= 3 && header[0] == "date_utc" && header[1] == "blocks") return read_daily(path, in);
  throw std::runtime_error(path + ":1: unknown input format (header \"" + header_line.substr(0, 80) + "\")");
}

ReplayResult run_replay(const Config& config, std::vector<RawEvent> events,
                        const std::function<void(std::size_t, std::size_t)>& progress, ReplayWindow window) {
  std::stable_sort(events.begin(), events.end(), [](const RawEvent& a, const RawEvent& b) { return a.time_ns < b.time_ns; });
  rules::SeriesRegistry registry;
  const rules::EngineConfig engine_cfg = engine_config(config, registry);
  rules::Engine engine(registry, engine_cfg);
  const rules::SourceId source = registry.intern_source("replay");
  rules::RuleRuntime rule_runtime(config.rules, registry);

  ReplayResult result;
  result.events = events.size();
  for (const auto& site : engine_cfg.sites) result.sites.push_back(SiteReplayResult{site.name});
  std::vector<std::optional<rules::SiteMode>> last_mode(engine_cfg.sites.size());
  struct SiteIds { rules::SeriesId margin, hosting, curtail, power; };
  std::vector<SiteIds> ids;
  for (const auto& site : engine_cfg.sites) {
    const rules::Labels l{{"site", site.name}};
    ids.push_back({registry.intern("site_mining_margin_usd_per_mwh", l), registry.intern("site_hosting_margin_usd_per_mwh", l),
                   registry.intern("site_curtail_value_usd_per_mwh", l), registry.intern("site_power_mw", l)});
  }
  if (!events.empty()) result.start_ns = events.front().time_ns;
  TimeNs previous = result.start_ns;
  // What is in force between two event times is decided by everything applied up to the first.
  auto account = [&](TimeNs until) {
    const TimeNs from = std::max(previous, window.from_ns.value_or(previous));
    const TimeNs to = std::min(until, window.to_ns.value_or(until));
    const double hours = static_cast<double>(to - from) / static_cast<double>(kNsPerHour);
    if (hours <= 0) return;
    for (std::size_t i = 0; i < result.sites.size(); ++i) {
      SiteReplayResult& r = result.sites[i];
      const auto mode = engine.site_mode(i);
      double mw = 0, value = 0;
      engine.fresh_value(ids[i].power, mw);
      if (!mode || !engine.fresh_value(ids[i].margin, value)) {
        r.hours_unknown += hours;
        continue;
      }
      switch (*mode) {
        case rules::SiteMode::kMine:
          r.hours_mine += hours;
          r.mining_margin_usd += value * mw * hours;
          break;
        case rules::SiteMode::kHost:
          r.hours_host += hours;
          if (engine.fresh_value(ids[i].hosting, value)) r.hosting_margin_usd += value * mw * hours;
          break;
        case rules::SiteMode::kCurtail:
          r.hours_curtail += hours;
          if (engine.fresh_value(ids[i].curtail, value)) r.curtail_value_usd += value * mw * hours;
          break;
      }
    }
  };
  auto collect_alerts = [&]() {
    for (auto& t : rule_runtime.take_transitions()) {
      const bool firing = t.kind == rules::alerts::Notification::Kind::kFiring;
      result.alerts.push_back(AlertEvent{firing ? t.alert.last_sent_ns : t.alert.resolved_at_ns,
                                         firing ? "firing" : "resolved", t.alert.labels, t.alert.value,
                                         t.alert.fingerprint});
    }
    (void)rule_runtime.take_dirty();  // nothing persists in a replay
  };
  // Alert timers that expire before `until`, each at its exact instant, then time-driven rules.
  auto run_clock = [&](TimeNs until) {
    for (auto d = rule_runtime.next_deadline(); d && *d < until; d = rule_runtime.next_deadline()) {
      const TimeNs before = engine.now();
      engine.advance(*d);
      rule_runtime.update(engine, true);
      collect_alerts();
      if (engine.now() == before && *d <= before) break;  // a deadline that does not move: no loop
    }
    engine.advance(until);
    rule_runtime.update(engine, true);
    collect_alerts();
  };
  for (std::size_t k = 0; k < events.size(); ++k) {
    const RawEvent& e = events[k];
    if (e.time_ns != previous) {
      account(e.time_ns);
      previous = e.time_ns;
      run_clock(e.time_ns);
    }
    engine.apply(rules::value_event(registry.intern(e.series, e.labels), source, e.value, e.time_ns, e.time_ns));
    rule_runtime.update(engine, false);
    collect_alerts();
    for (std::size_t i = 0; i < last_mode.size(); ++i) {
      const auto mode = engine.site_mode(i);
      if (mode && mode != last_mode[i]) {
        result.timeline.push_back(ModeChange{e.time_ns, engine_cfg.sites[i].name,
                                             last_mode[i] ? rules::site_mode_name(*last_mode[i]) : "",
                                             rules::site_mode_name(*mode)});
        last_mode[i] = mode;
      }
    }
    if (progress && (k % 4096 == 0 || k + 1 == events.size())) progress(k + 1, events.size());
  }
  // The last interval runs as long as the one before it (15 min for ERCOT), or to the window's end.
  if (window.to_ns && *window.to_ns > previous) {
    account(*window.to_ns);
    previous = *window.to_ns;
  } else if (events.size() >= 2 && !window.to_ns) {
    TimeNs step = 0;
    for (std::size_t k = events.size() - 1; k > 0 && step == 0; --k) step = events[k].time_ns - events[k - 1].time_ns;
    account(previous + step);
    previous += step;
  }
  run_clock(previous);
  if (window.from_ns) result.start_ns = std::max(result.start_ns, *window.from_ns);
  result.end_ns = window.to_ns ? std::min(previous, *window.to_ns) : previous;
  return result;
}

void write_replay_outputs(const ReplayResult& result, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream sites(dir + "/sites.csv");
  sites << "site,hours_mine,hours_host,hours_curtail,hours_unknown,mining_margin_usd,hosting_margin_usd,curtail_value_usd\n";
  boost::json::array site_json;
  for (const auto& s : result.sites) {
    sites << s.site << ',' << s.hours_mine << ',' << s.hours_host << ',' << s.hours_curtail << ',' << s.hours_unknown
          << ',' << s.mining_margin_usd << ',' << s.hosting_margin_usd << ',' << s.curtail_value_usd << '\n';
    site_json.push_back(boost::json::object{{"site", s.site}, {"hours_mine", s.hours_mine}, {"hours_host", s.hours_host},
                                            {"hours_curtail", s.hours_curtail}, {"hours_unknown", s.hours_unknown},
                                            {"mining_margin_usd", s.mining_margin_usd},
                                            {"hosting_margin_usd", s.hosting_margin_usd},
                                            {"curtail_value_usd", s.curtail_value_usd}});
  }
  std::ofstream timeline(dir + "/timeline.csv");
  timeline << "time_utc,site,from,to\n";
  for (const auto& c : result.timeline) {
    timeline << connectors::format_rfc3339(c.time_ns, 0) << ',' << c.site << ',' << c.from << ',' << c.to << '\n';
  }
  std::ofstream alerts(dir + "/alerts.csv");
  alerts << "time_utc,status,alertname,labels,value,fingerprint\n";
  for (const auto& a : result.alerts) {
    std::string name, labels;
    for (const auto& [k, v] : a.labels) {
      if (k == "alertname") {
        name = v;
        continue;
      }
      labels += (labels.empty() ? "" : ";") + k + "=" + v;
    }
    // RFC 4180: a field with a comma, quote or newline is quoted, its quotes doubled.
    auto field = [](const std::string& f) {
      if (f.find_first_of(",\"\n") == std::string::npos) return f;
      std::string q = "\"";
      for (char c : f) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    alerts << connectors::format_rfc3339(a.time_ns, 3) << ',' << a.status << ',' << field(name) << ','
           << field(labels) << ',' << a.value << ',' << rules::alerts::fingerprint_hex(a.fingerprint) << '\n';
  }
  std::ofstream summary(dir + "/summary.json");
  summary << boost::json::serialize(boost::json::object{
                 {"events", result.events},
                 {"start", connectors::format_rfc3339(result.start_ns, 0)},
                 {"end", connectors::format_rfc3339(result.end_ns, 0)},
                 {"mode_changes", result.timeline.size()},
                 {"alert_notifications", result.alerts.size()},
                 {"sites", site_json}})
          << "\n";
}

}  // namespace hashwatch::daemon
