#include "daemon/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <span>
#include <set>
#include <sstream>

#include "connectors/common/registry.h"
#include "connectors/common/url.h"
#include "daemon/rule_files.h"
#include "rules/local_time.h"
#include "rules/model/tariff.h"

namespace hashwatch::daemon {

std::string ConfigError::to_string() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  std::vector<ConfigError> errors;

  void error(const YAML::Mark& mark, std::string message) {
    errors.push_back(ConfigError{file_, mark.is_null() ? 0 : mark.line + 1,
                                 mark.is_null() ? 0 : mark.column + 1, std::move(message)});
  }
  void error(const YAML::Node& node, std::string message) { error(node.Mark(), std::move(message)); }

  bool expect_map(const YAML::Node& node, std::string_view what) {
    if (node.IsMap()) return true;
    error(node, std::string(what) + ": expected a mapping");
    return false;
  }

  // Reports every key not in `known`, with a suggestion when one is close.
  void check_keys(const YAML::Node& map, std::string_view where,
                  std::initializer_list<std::string_view> known,
                  std::span<const std::string_view> more = {}) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.Scalar();
      const bool ok = std::find(known.begin(), known.end(), key) != known.end() ||
                      std::find(more.begin(), more.end(), key) != more.end();
      if (ok) continue;
      std::string message = std::string(where) + ": unknown key \"" + key + "\"";
      std::string_view best;
      std::size_t best_d = 3;
      auto consider = [&](std::string_view k) {
        const std::size_t d = edit_distance(key, k);
        if (d < best_d) {
          best_d = d;
          best = k;
        }
      };
      for (auto k : known) consider(k);
      for (auto k : more) consider(k);
      if (!best.empty()) message += " (did you mean \"" + std::string(best) + "\"?)";
      error(it->first, std::move(message));
    }
  }

  bool scalar(const YAML::Node& node, std::string_view what, std::string& out) {
    if (!node.IsScalar()) {
      error(node, std::string(what) + ": expected a string");
      return false;
    }
    out = node.Scalar();
    return true;
  }

  bool number(const YAML::Node& node, std::string_view what, double& out) {
    if (!node.IsScalar()) {
      error(node, std::string(what) + ": expected a number");
      return false;
    }
    const std::string& s = node.Scalar();
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
      error(node, std::string(what) + ": \"" + s + "\" is not a number");
      return false;
    }
    out = v;
    return true;
  }

  bool integer(const YAML::Node& node, std::string_view what, std::int64_t lo, std::int64_t hi,
               std::int64_t& out) {
    if (!node.IsScalar()) {
      error(node, std::string(what) + ": expected an integer");
      return false;
    }
    const std::string& s = node.Scalar();
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) {
      error(node, std::string(what) + ": \"" + s + "\" is not an integer");
      return false;
    }
    if (v < lo || v > hi) {
      error(node, std::string(what) + ": " + s + " is out of range [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "]");
      return false;
    }
    out = v;
    return true;
  }

  bool boolean(const YAML::Node& node, std::string_view what, bool& out) {
    std::string s;
    if (!node.IsScalar()) {
      error(node, std::string(what) + ": expected true or false");
      return false;
    }
    s = node.Scalar();
    if (s == "true") {
      out = true;
    } else if (s == "false") {
      out = false;
    } else {
      error(node, std::string(what) + ": \"" + s + "\" is not true or false");
      return false;
    }
    return true;
  }

  bool duration(const YAML::Node& node, std::string_view what, TimeNs& out) {
    std::string s;
    if (!scalar(node, what, s)) return false;
    auto d = parse_duration(s);
    if (!d || *d <= 0) {
      error(node, std::string(what) + ": \"" + s +
                      "\" is not a positive duration (e.g. 500ms, 30s, 10m, 1h, 7d)");
      return false;
    }
    out = *d;
    return true;
  }

  void load_server(const YAML::Node& node, ServerConfig& out) {
    if (!expect_map(node, "server")) return;
    check_keys(node, "server", {"listen", "auth_token_file"});
    if (auto n = node["listen"]) {
      std::string s;
      if (scalar(n, "server.listen", s)) {
        const auto colon = s.rfind(':');
        std::int64_t port = -1;
        std::string host = colon == std::string::npos ? "" : s.substr(0, colon);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
          host = host.substr(1, host.size() - 2);
        }
        if (colon != std::string::npos) {
          const std::string p = s.substr(colon + 1);
          auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
          if (ec != std::errc() || ptr != p.data() + p.size()) port = -1;
        }
        if (host.empty() || port < 0 || port > 65535) {
          error(n, "server.listen: \"" + s + "\" is not host:port (e.g. 127.0.0.1:9464)");
        } else {
          out.listen_host = host;
          out.listen_port = static_cast<std::uint16_t>(port);
        }
      }
    }
    if (auto n = node["auth_token_file"]) scalar(n, "server.auth_token_file", out.auth_token_file);
  }

  void load_state(const YAML::Node& node, StateConfig& out) {
    if (!expect_map(node, "state")) return;
    check_keys(node, "state", {"dir", "history_retention"});
    if (auto n = node["dir"]) scalar(n, "state.dir", out.dir);
    if (auto n = node["history_retention"]) {
      duration(n, "state.history_retention", out.history_retention_ns);
    }
  }

  void load_price(const YAML::Node& node, PriceConfig& out) {
    if (!expect_map(node, "price")) return;
    check_keys(node, "price", {"min_sources", "max_deviation_pct"});
    std::int64_t v = 0;
    if (auto n = node["min_sources"]; n && integer(n, "price.min_sources", 1, 64, v)) {
      out.min_sources = static_cast<std::uint32_t>(v);
    }
    if (auto n = node["max_deviation_pct"]) {
      double d = 0;
      if (number(n, "price.max_deviation_pct", d)) {
        if (d <= 0 || d > 100) {
          error(n, "price.max_deviation_pct: must be in (0, 100]");
        } else {
          out.max_deviation_pct = d;
        }
      }
    }
  }

  void load_log(const YAML::Node& node, LogConfig& out) {
    if (!expect_map(node, "log")) return;
    check_keys(node, "log", {"level"});
    if (auto n = node["level"]; n && scalar(n, "log.level", out.level)) {
      static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error"};
      if (!kLevels.contains(out.level)) {
        error(n, "log.level: \"" + out.level + "\" is not one of trace, debug, info, warn, error");
      }
    }
  }

  static std::optional<unsigned> weekday(std::string_view s) {
    static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (unsigned i = 0; i < 7; ++i) {
      if (s == kDays[i]) return i + 1;
    }
    return std::nullopt;
  }

  std::optional<int> minute_of_day(const YAML::Node& n, const std::string& what) {
    std::string s;
    if (!scalar(n, what, s)) return std::nullopt;
    int h = -1, m = -1;
    if (s.size() == 5 && s[2] == ':') {
      auto [p1, e1] = std::from_chars(s.data(), s.data() + 2, h);
      auto [p2, e2] = std::from_chars(s.data() + 3, s.data() + 5, m);
      if (e1 != std::errc() || e2 != std::errc()) h = -1;
    }
    if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0)) {
      error(n, what + ": \"" + s + "\" is not a time of day HH:MM (00:00 to 24:00)");
      return std::nullopt;
    }
    return h * 60 + m;
  }

  std::shared_ptr<const rules::Tariff> load_tariff(const YAML::Node& node, const std::string& label) {
    auto t = std::make_shared<rules::Tariff>();
    double v = 0;
    if (auto n = node["fixed_usd_per_mwh"]; n && number(n, label + ".fixed_usd_per_mwh", v)) t->fixed_usd_per_mwh = v;
    if (auto n = node["base_usd_per_mwh"]) number(n, label + ".base_usd_per_mwh", t->base_usd_per_mwh);
    if (auto n = node["adder_usd_per_mwh"]) number(n, label + ".adder_usd_per_mwh", t->adder_usd_per_mwh);
    if (auto n = node["zone"]) {
      std::string zone;
      if (scalar(n, label + ".zone", zone)) {
        t->zone = rules::TimeZone::find(zone);
        if (!t->zone) error(n, label + ".zone: \"" + zone + "\" is not a time zone (e.g. America/Chicago)");
      }
    }
    if (auto n = node["holiday_weekday"]) {
      std::string d;
      if (scalar(n, label + ".holiday_weekday", d)) {
        if (auto w = weekday(d)) t->holiday_weekday = *w;
        else error(n, label + ".holiday_weekday: \"" + d + "\" is not mon..sun");
      }
    }
    if (auto n = node["holidays"]) {
      if (!n.IsSequence()) {
        error(n, label + ".holidays: expected a list of dates (YYYY-MM-DD)");
      } else {
        for (const auto& h : n) {
          std::string d;
          if (!scalar(h, label + ".holidays[]", d)) continue;
          int y = 0, mo = 0, da = 0;
          if (d.size() != 10 || std::sscanf(d.c_str(), "%4d-%2d-%2d", &y, &mo, &da) != 3 || mo < 1 || mo > 12 || da < 1 || da > 31) {
            error(h, label + ".holidays[]: \"" + d + "\" is not a date YYYY-MM-DD");
            continue;
          }
          t->holidays.push_back(rules::LocalDate{y, static_cast<unsigned>(mo), static_cast<unsigned>(da)});
        }
      }
    }
    if (auto n = node["periods"]) {
      if (!n.IsSequence()) {
        error(n, label + ".periods: expected a list");
      } else {
        for (std::size_t i = 0; i < n.size(); ++i) {
          const YAML::Node p = n[i];
          const std::string where = label + ".periods[" + std::to_string(i) + "]";
          if (!expect_map(p, where)) continue;
          check_keys(p, where, {"name", "days", "start", "end", "price_usd_per_mwh"});
          rules::TouPeriod period;
          if (auto x = p["name"]) scalar(x, where + ".name", period.name);
          if (auto x = p["days"]) {
            period.days = 0;
            std::vector<YAML::Node> items;
            if (x.IsSequence()) {
              for (const auto& d : x) items.push_back(d);
            } else {
              items.push_back(x);
            }
            for (const auto& d : items) {
              std::string day;
              if (!scalar(d, where + ".days", day)) continue;
              if (day == "weekdays") period.days |= rules::kWeekdays;
              else if (day == "weekends") period.days |= rules::kWeekends;
              else if (day == "all") period.days |= 0x7F;
              else if (auto w = weekday(day)) period.days |= static_cast<std::uint8_t>(1u << (*w - 1));
              else error(d, where + ".days: \"" + day + "\" is not mon..sun, weekdays, weekends or all");
            }
          }
          auto start = p["start"] ? minute_of_day(p["start"], where + ".start") : std::optional<int>(0);
          auto end = p["end"] ? minute_of_day(p["end"], where + ".end") : std::optional<int>(1440);
          if (start) period.start_minute = *start;
          if (end) period.end_minute = *end;
          if (auto x = p["price_usd_per_mwh"]) {
            number(x, where + ".price_usd_per_mwh", period.price_usd_per_mwh);
          } else {
            error(p, where + ": missing required key \"price_usd_per_mwh\"");
          }
          t->periods.push_back(std::move(period));
        }
      }
    }
    if (t->fixed_usd_per_mwh && (!t->periods.empty() || node["base_usd_per_mwh"])) {
      error(node, label + ": a tariff is either fixed_usd_per_mwh or a schedule (base_usd_per_mwh, periods), not both");
    } else if (!t->fixed_usd_per_mwh && !t->zone) {
      error(node, label + ": a schedule needs \"zone\" (the tariff's local time zone), or use fixed_usd_per_mwh");
    }
    return t;
  }

  void load_feed(const YAML::Node& node, std::size_t index, std::set<std::string>& names,
                 std::vector<connectors::FeedConfig>& out) {
    const std::string where = "feeds[" + std::to_string(index) + "]";
    if (!expect_map(node, where)) return;
    connectors::FeedConfig feed;
    const YAML::Node name_node = node["name"];
    const YAML::Node kind_node = node["kind"];
    if (!name_node) {
      error(node, where + ": missing required key \"name\"");
    } else if (scalar(name_node, where + ".name", feed.name)) {
      const bool valid = !feed.name.empty() &&
                         std::all_of(feed.name.begin(), feed.name.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                                  c == '-';
                         });
      if (!valid) {
        error(name_node, where + ".name: \"" + feed.name + "\" must match [a-z0-9_-]+");
      } else if (!names.insert(feed.name).second) {
        error(name_node, where + ".name: duplicate feed name \"" + feed.name + "\"");
      }
    }
    const std::string label = feed.name.empty() ? where : where + " (" + feed.name + ")";
    if (!kind_node) {
      error(node, label + ": missing required key \"kind\"");
      return;
    }
    if (!scalar(kind_node, label + ".kind", feed.kind)) return;
    const connectors::ConnectorKind* kind = connectors::find_connector_kind(feed.kind);
    if (kind == nullptr) {
      std::string supported;
      for (const auto& k : connectors::connector_kinds()) {
        if (!supported.empty()) supported += ", ";
        supported += k.kind;
      }
      error(kind_node, label + ".kind: unknown kind \"" + feed.kind + "\" (supported: " +
                           supported + ")");
      return;
    }
    check_keys(node, label, {"name", "kind"}, kind->keys);
    if (auto n = node["url"]; n && scalar(n, label + ".url", feed.url)) {
      std::string why;
      auto ep = connectors::parse_endpoint(feed.url, &why);
      const bool want_ws = kind->url_schemes == "ws";
      if (!ep) {
        error(n, label + ".url: \"" + feed.url + "\": " + why);
      } else if (ep->websocket != want_ws) {
        error(n, label + ".url: \"" + feed.url + "\": kind " + feed.kind + " needs a " +
                     (want_ws ? "ws:// or wss://" : "http:// or https://") + " URL");
      }
    }
    if (auto n = node["nodes"]) {  // power markets: settlement points, read like symbols
      if (!n.IsSequence() || n.size() == 0) {
        error(n, label + ".nodes: expected a non-empty list of settlement points");
      } else {
        for (const auto& s : n) {
          std::string point;
          if (scalar(s, label + ".nodes[]", point)) feed.symbols.push_back(point);
        }
      }
    }
    if (auto n = node["symbols"]) {
      if (!n.IsSequence() || n.size() == 0) {
        error(n, label + ".symbols: expected a non-empty list of product ids");
      } else {
        for (const auto& s : n) {
          std::string sym;
          if (scalar(s, label + ".symbols[]", sym)) {
            if (sym.empty() || sym.find_first_of("\"\\ ") != std::string::npos) {
              error(s, label + ".symbols[]: \"" + sym + "\" is not a product id");
            } else {
              feed.symbols.push_back(sym);
            }
          }
        }
      }
    }
    if (auto n = node["channel"]; n && scalar(n, label + ".channel", feed.channel)) {
      const bool ok = feed.kind == "caiso" ? (feed.channel == "rtd" || feed.channel == "fmm")
                                           : (feed.channel == "trade" || feed.channel == "bookTicker");
      if (!ok) {
        error(n, label + ".channel: \"" + feed.channel + "\" is not " +
                     (feed.kind == "caiso" ? "rtd or fmm" : "trade or bookTicker"));
      }
    }
    if (auto n = node["stale_after"]) duration(n, label + ".stale_after", feed.stale_after_ns);
    if (auto n = node["poll_interval"]) {
      if (duration(n, label + ".poll_interval", feed.poll_interval_ns) &&
          feed.poll_interval_ns < kNsPerSecond) {
        error(n, label + ".poll_interval: must be at least 1s");
      }
    }
    if (auto n = node["fee_window_blocks"]) {
      integer(n, label + ".fee_window_blocks", 1, 2016, feed.fee_window_blocks);
    }
    if (auto n = node["required"]) boolean(n, label + ".required", feed.required);
    if (auto n = node["cookie_file"]) scalar(n, label + ".cookie_file", feed.cookie_file);
    if (auto n = node["rpc_user"]) scalar(n, label + ".rpc_user", feed.rpc_user);
    if (auto n = node["rpc_password_file"]) {
      scalar(n, label + ".rpc_password_file", feed.rpc_password_file);
    }
    if (auto n = node["api_key_file"]) scalar(n, label + ".api_key_file", feed.api_key_file);
    if (auto n = node["username"]) scalar(n, label + ".username", feed.username);
    if (auto n = node["password_file"]) scalar(n, label + ".password_file", feed.password_file);
    if (auto n = node["token_url"]; n && scalar(n, label + ".token_url", feed.token_url)) {
      auto ep = connectors::parse_endpoint(feed.token_url);
      if (!ep || ep->websocket) error(n, label + ".token_url: \"" + feed.token_url + "\" is not an http(s) URL");
    }
    if (feed.kind == "ercot" && feed.symbols.empty()) {
      error(node, label + ": missing required key \"nodes\" (e.g. [HB_WEST])");
    }
    if (!feed.cookie_file.empty() && !feed.rpc_user.empty()) {
      error(node, label + ": use either cookie_file or rpc_user + rpc_password_file, not both");
    } else if (!feed.rpc_user.empty() && feed.rpc_password_file.empty()) {
      error(node, label + ": rpc_user needs rpc_password_file");
    }
    if (auto n = node["backoff"]; n && expect_map(n, label + ".backoff")) {
      check_keys(n, label + ".backoff", {"initial", "max"});
      if (auto b = n["initial"]) duration(b, label + ".backoff.initial", feed.backoff_base_ns);
      if (auto b = n["max"]) duration(b, label + ".backoff.max", feed.backoff_cap_ns);
      if (feed.backoff_cap_ns < feed.backoff_base_ns) {
        error(n, label + ".backoff: max must not be less than initial");
      }
    }
    if (feed.kind == "tariff") feed.tariff = load_tariff(node, label);
    kind->apply_defaults(feed);
    out.push_back(std::move(feed));
  }

  void load_miners(const YAML::Node& node, std::vector<rules::MinerModel>& models) {
    if (!node.IsSequence()) {
      error(node, "miners: expected a list");
      return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node m = node[i];
      const std::string where = "miners[" + std::to_string(i) + "]";
      if (!expect_map(m, where)) continue;
      check_keys(m, where, {"model", "hashrate_th_s", "power_w"});
      rules::MinerModel model;
      bool ok = m["model"] && scalar(m["model"], where + ".model", model.name);
      ok &= m["hashrate_th_s"] && number(m["hashrate_th_s"], where + ".hashrate_th_s", model.hashrate_th_s);
      ok &= m["power_w"] && number(m["power_w"], where + ".power_w", model.power_w);
      if (!ok || !(model.hashrate_th_s > 0) || !(model.power_w > 0)) {
        error(m, where + ": needs model, hashrate_th_s > 0 and power_w > 0");
        continue;
      }
      auto it = std::find_if(models.begin(), models.end(), [&](const auto& x) { return x.name == model.name; });
      if (it != models.end()) *it = model;
      else models.push_back(model);
    }
  }

  void load_sites(const YAML::Node& node, const std::vector<rules::MinerModel>& models,
                  std::vector<SiteConfig>& sites) {
    if (!node.IsSequence()) {
      error(node, "sites: expected a list");
      return;
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node n = node[i];
      std::string where = "sites[" + std::to_string(i) + "]";
      if (!expect_map(n, where)) continue;
      SiteConfig site;
      if (!n["name"] || !scalar(n["name"], where + ".name", site.name) || site.name.empty()) {
        error(n, where + ": missing required key \"name\"");
      } else if (!names.insert(site.name).second) {
        error(n["name"], where + ".name: duplicate site name \"" + site.name + "\"");
      }
      if (!site.name.empty()) where += " (" + site.name + ")";
      check_keys(n, where, {"name", "power", "fleet", "pool_fee_pct", "opex_usd_per_mwh", "hosting",
                            "hysteresis_usd_per_mwh"});
      if (auto p = n["power"]; p && expect_map(p, where + ".power")) {
        check_keys(p, where + ".power", {"market", "node", "tariff", "fixed_usd_per_mwh", "adder_usd_per_mwh", "resale"});
        if (auto x = p["market"]) scalar(x, where + ".power.market", site.power.market);
        if (auto x = p["node"]) scalar(x, where + ".power.node", site.power.node);
        if (auto x = p["tariff"]) scalar(x, where + ".power.tariff", site.power.tariff);
        double v = 0;
        if (auto x = p["fixed_usd_per_mwh"]; x && number(x, where + ".power.fixed_usd_per_mwh", v)) site.power.fixed_usd_per_mwh = v;
        if (auto x = p["adder_usd_per_mwh"]) number(x, where + ".power.adder_usd_per_mwh", site.power.adder_usd_per_mwh);
        if (auto x = p["resale"]) boolean(x, where + ".power.resale", site.power.resale);
        const int kinds = (site.power.fixed_usd_per_mwh ? 1 : 0) + (site.power.tariff.empty() ? 0 : 1) +
                          (!site.power.fixed_usd_per_mwh && !site.power.market.empty() ? 1 : 0);
        if (kinds != 1) {
          error(p, where + ".power: give exactly one of market + node, tariff, or fixed_usd_per_mwh");
        } else if (site.power.market.empty() != site.power.node.empty()) {
          error(p, where + ".power: market and node go together");
        }
        if (site.power.resale && site.power.market.empty()) {
          error(p, where + ".power: resale needs the market and node the power would be sold at");
        }
      } else if (!p) {
        error(n, where + ": missing required key \"power\"");
      }
      if (auto f = n["fleet"]; f && f.IsSequence() && f.size() > 0) {
        for (std::size_t k = 0; k < f.size(); ++k) {
          const YAML::Node e = f[k];
          const std::string fw = where + ".fleet[" + std::to_string(k) + "]";
          if (!expect_map(e, fw)) continue;
          check_keys(e, fw, {"model", "count"});
          rules::FleetEntry entry;
          if (e["model"] && scalar(e["model"], fw + ".model", entry.model) &&
              rules::find_miner_model(models, entry.model) == nullptr) {
            error(e["model"], fw + ".model: unknown miner model \"" + entry.model + "\" (add it under miners:)");
          }
          if (e["count"]) integer(e["count"], fw + ".count", 1, 10'000'000, entry.count);
          site.fleet.push_back(std::move(entry));
        }
      } else {
        error(f ? f : n, where + ".fleet: expected a non-empty list of {model, count}");
      }
      if (auto x = n["pool_fee_pct"]) {
        if (number(x, where + ".pool_fee_pct", site.pool_fee_pct) && (site.pool_fee_pct < 0 || site.pool_fee_pct >= 100)) {
          error(x, where + ".pool_fee_pct: must be in [0, 100)");
        }
      }
      if (auto x = n["opex_usd_per_mwh"]) number(x, where + ".opex_usd_per_mwh", site.opex_usd_per_mwh);
      if (auto x = n["hysteresis_usd_per_mwh"]) {
        if (number(x, where + ".hysteresis_usd_per_mwh", site.hysteresis_usd_per_mwh) && site.hysteresis_usd_per_mwh < 0) {
          error(x, where + ".hysteresis_usd_per_mwh: must not be negative");
        }
      }
      if (auto h = n["hosting"]; h && expect_map(h, where + ".hosting")) {
        check_keys(h, where + ".hosting", {"rate_usd_per_mwh", "hpc_lease_usd_per_kw_month", "power_pass_through"});
        double v = 0;
        if (auto x = h["rate_usd_per_mwh"]; x && number(x, where + ".hosting.rate_usd_per_mwh", v)) site.hosting.rate_usd_per_mwh = v;
        if (auto x = h["hpc_lease_usd_per_kw_month"]; x && number(x, where + ".hosting.hpc_lease_usd_per_kw_month", v)) {
          site.hosting.hpc_lease_usd_per_kw_month = v;
        }
        if (auto x = h["power_pass_through"]) boolean(x, where + ".hosting.power_pass_through", site.hosting.power_pass_through);
        if (site.hosting.rate_usd_per_mwh.has_value() == site.hosting.hpc_lease_usd_per_kw_month.has_value()) {
          error(h, where + ".hosting: give either rate_usd_per_mwh or hpc_lease_usd_per_kw_month");
        }
      }
      sites.push_back(std::move(site));
    }
  }

  std::optional<Config> load(const YAML::Node& root) {
    Config config;
    config.miners = rules::builtin_miner_models();
    if (!root || root.IsNull()) {
      errors.push_back(ConfigError{file_, 0, 0, "empty configuration"});
      return std::nullopt;
    }
    if (!expect_map(root, "top level")) return std::nullopt;
    check_keys(root, "top level", {"server", "state", "feeds", "price", "log", "miners", "sites", "treasury", "rules"});
    if (auto n = root["rules"]; n && expect_map(n, "rules")) {
      check_keys(n, "rules", {"files", "restore_grace"});
      if (auto g = n["restore_grace"]) duration(g, "rules.restore_grace", config.rules_restore_grace_ns);
      if (auto f = n["files"]; f && f.IsSequence()) {
        for (const auto& p : f) {
          std::string pattern;
          if (scalar(p, "rules.files[]", pattern)) config.rule_files.push_back(pattern);
        }
      } else if (f) {
        error(f, "rules.files: expected a list of file patterns");
      }
    }
    if (auto n = root["server"]) load_server(n, config.server);
    if (auto n = root["state"]) load_state(n, config.state);
    if (auto n = root["price"]) load_price(n, config.price);
    if (auto n = root["log"]) load_log(n, config.log);
    if (auto n = root["miners"]) load_miners(n, config.miners);
    if (auto n = root["sites"]) load_sites(n, config.miners, config.sites);
    if (auto n = root["treasury"]; n && expect_map(n, "treasury")) {
      check_keys(n, "treasury", {"btc_holdings"});
      double v = 0;
      if (auto x = n["btc_holdings"]; x && number(x, "treasury.btc_holdings", v)) config.btc_holdings = v;
    }
    if (auto n = root["feeds"]) {
      if (!n.IsSequence()) {
        error(n, "feeds: expected a list");
      } else {
        std::set<std::string> names;
        for (std::size_t i = 0; i < n.size(); ++i) load_feed(n[i], i, names, config.feeds);
      }
    }
    if (!errors.empty()) return std::nullopt;
    return config;
  }

 private:
  std::string file_;
};

ConfigResult load(const std::function<YAML::Node()>& parse, const std::string& name) {
  ConfigResult result;
  Loader loader(name);
  try {
    const YAML::Node root = parse();
    result.config = loader.load(root);
  } catch (const YAML::Exception& e) {
    loader.error(e.mark, e.msg);
  }
  result.errors = std::move(loader.errors);
  if (!result.errors.empty()) result.config.reset();
  if (result.config) result.config->path = name;
  return result;
}

}  // namespace

ConfigResult load_config_string(std::string_view yaml, const std::string& name) {
  const std::string text(yaml);
  return load([&] { return YAML::Load(text); }, name);
}

ConfigResult load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ConfigResult result;
    result.errors.push_back(ConfigError{path, 0, 0, "cannot read file"});
    return result;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  ConfigResult result = load_config_string(ss.str(), path);
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  // A relative state directory is relative to the configuration file, like rule files.
  if (result.config && !result.config->state.dir.empty() && result.config->state.dir[0] != '/') {
    result.config->state.dir = dir + "/" + result.config->state.dir;
  }
  if (result.config && !result.config->rule_files.empty()) {
    // Rule files are part of the configuration: a bad rule rejects it like a bad key.
    RuleFiles rules = load_rule_files(result.config->rule_files, dir);
    if (!rules.errors.empty()) {
      result.errors.insert(result.errors.end(), rules.errors.begin(), rules.errors.end());
      result.config.reset();
    } else {
      result.config->rules = rule_defs(rules.groups);
    }
  }
  return result;
}

}  // namespace hashwatch::daemon
