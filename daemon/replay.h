// Backtests: the same engine over recorded or historical events at full speed. Inputs are CSV files,
// recognised by their header: hashwatch's own event format (time_utc,series,labels,value), ERCOT
// interval histories (interval_start_utc + *_rtm_spp_usd_per_mwh columns), and the daily bitcoin
// history converter (daily blocks/fees + BTC prices + difficulty epochs). Accumulates, per site, the
// hours in each mode and the margin earned, the timeline of mode changes, and the alerts the
// configured rules raise.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "rules/event.h"
#include "rules/series_registry.h"

namespace hashwatch::daemon {

struct SiteReplayResult {
  std::string site;
  double hours_mine = 0, hours_host = 0, hours_curtail = 0, hours_unknown = 0;
  double mining_margin_usd = 0;   // earned while mining: margin × MW × hours
  double hosting_margin_usd = 0;  // earned while hosting
  double curtail_value_usd = 0;   // earned while curtailed (resale)
};

struct ModeChange {
  TimeNs time_ns;
  std::string site, from, to;
};

// A notification the rules produced during the replay (config rules.files), at its exact instant.
struct AlertEvent {
  TimeNs time_ns;
  std::string status;  // firing or resolved
  rules::Labels labels;
  double value;
  std::uint64_t fingerprint;
};

struct ReplayResult {
  std::size_t events = 0;
  TimeNs start_ns = 0, end_ns = 0;
  std::vector<SiteReplayResult> sites;
  std::vector<ModeChange> timeline;
  std::vector<AlertEvent> alerts;
};

// A named event before interning: the replay input.
struct RawEvent {
  TimeNs time_ns;
  std::string series;
  rules::Labels labels;
  double value;
};

// Reads one input file (any of the supported formats) into events; throws std::runtime_error with
// "file:line: message" on malformed input. `daily_context` holds the paths of the difficulty
// epochs and BTC price files the daily converter needs (found beside the fees file by default).
std::vector<RawEvent> read_replay_input(const std::string& path);

struct ReplayWindow {
  std::optional<TimeNs> from_ns;  // results count from here (events before it still set the state)
  std::optional<TimeNs> to_ns;    // and up to here; default: one step past the last event
};

// Runs the engine over the events (sorted by time; ties keep input order) with the config's sites
// and rules: rules run per event as in the daemon, and alert timers fire at their exact instants
// between events. `progress(done, total)` is called now and then.
ReplayResult run_replay(const Config& config, std::vector<RawEvent> events,
                        const std::function<void(std::size_t, std::size_t)>& progress = {},
                        ReplayWindow window = {});

// Writes sites.csv, timeline.csv, alerts.csv and summary.json into `dir` (created if missing).
void write_replay_outputs(const ReplayResult& result, const std::string& dir);

}  // namespace hashwatch::daemon
