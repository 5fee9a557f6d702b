// One alert instance (an alerting rule × one output label set) as plain data, and its lifecycle as
// one function of explicit time — Prometheus' semantics (pending → firing after `for`, resolved when
// absent, keep_firing_for) plus hashwatch's repeat_interval and hysteresis (resolve_expr). The state
// is what RocksDB persists: after a restart `for` timers continue and nothing is sent twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/series_registry.h"
#include "rules/time.h"

namespace hashwatch::rules::alerts {

enum class AlertState : std::uint8_t { kInactive, kPending, kFiring };
const char* state_name(AlertState state);

struct AlertTiming {
  TimeNs for_ns = 0;              // condition must hold this long before firing
  TimeNs keep_firing_for_ns = 0;  // keep firing this long after the condition clears
  TimeNs repeat_interval_ns = 0;  // re-send a firing alert this often (0: never)
};

struct AlertInstance {
  Labels labels;                  // alertname + rule labels + the series' labels, sorted
  std::uint64_t fingerprint = 0;
  AlertState state = AlertState::kInactive;
  double value = 0.0;
  TimeNs active_at_ns = 0;         // condition first held (pending since)
  TimeNs fired_at_ns = 0;          // became firing
  TimeNs last_true_ns = 0;         // condition last held
  TimeNs resolved_at_ns = 0;
  TimeNs last_sent_ns = 0;         // last notification (firing or resolved)
};

// A transition to notify about.
struct Notification {
  enum class Kind : std::uint8_t { kFiring, kResolved } kind;
  std::uint64_t fingerprint;
  TimeNs at_ns;
};

// Advances one instance to `now`. `holds`: the alert expression returned this label set now;
// `resolve_holds`: with a resolve_expr (hysteresis) the alert resolves only when that holds, else
// when the expression stops holding. Returns the notification to send, if any.
std::optional<Notification> step(AlertInstance& alert, const AlertTiming& timing, bool holds,
                                 bool resolve_holds, double value, TimeNs now);

// The first time after `now` at which step() could change something without new data (a `for`
// or keep_firing_for expiring, a repeat due); std::nullopt when nothing is scheduled.
std::optional<TimeNs> next_deadline(const AlertInstance& alert, const AlertTiming& timing);

// Stable 64-bit FNV-1a over the sorted labels (name=value pairs): the Kafka key and the dedup id.
std::uint64_t fingerprint(const Labels& sorted_labels);
std::string fingerprint_hex(std::uint64_t fingerprint);

// Expands {{ $labels.name }}, {{ $value }} and {{ $value | printf "%.2f" }} in an annotation.
std::string expand_template(std::string_view text, const Labels& labels, double value);

}  // namespace hashwatch::rules::alerts
