#include "rules/alerts/alert.h"

#include <cctype>
#include <cstdio>
#include <limits>

namespace hashwatch::rules::alerts {

const char* state_name(AlertState state) {
  switch (state) {
    case AlertState::kInactive: return "inactive";
    case AlertState::kPending: return "pending";
    case AlertState::kFiring: return "firing";
  }
  return "inactive";
}

std::optional<Notification> step(AlertInstance& a, const AlertTiming& t, bool holds, bool resolve_holds,
                                 double value, TimeNs now) {
  if (holds) {
    a.value = value;
    a.last_true_ns = now;
    if (a.state == AlertState::kInactive) {
      a.state = AlertState::kPending;
      a.active_at_ns = now;
      a.resolved_at_ns = 0;
    }
    if (a.state == AlertState::kPending && now - a.active_at_ns >= t.for_ns) {
      a.state = AlertState::kFiring;
      a.fired_at_ns = now;
      a.last_sent_ns = now;
      return Notification{Notification::Kind::kFiring, a.fingerprint, now};
    }
    if (a.state == AlertState::kFiring && t.repeat_interval_ns > 0 && now - a.last_sent_ns >= t.repeat_interval_ns) {
      a.last_sent_ns = now;
      return Notification{Notification::Kind::kFiring, a.fingerprint, now};
    }
    return std::nullopt;
  }
  switch (a.state) {
    case AlertState::kInactive:
      return std::nullopt;
    case AlertState::kPending:
      a.state = AlertState::kInactive;  // never fired: nothing to resolve
      a.active_at_ns = 0;
      return std::nullopt;
    case AlertState::kFiring:
      // With hysteresis the alert stays until the resolve condition holds; keep_firing_for holds
      // it a while longer after that.
      if (!resolve_holds) {
        a.last_true_ns = now;
        if (t.repeat_interval_ns > 0 && now - a.last_sent_ns >= t.repeat_interval_ns) {
          a.last_sent_ns = now;
          return Notification{Notification::Kind::kFiring, a.fingerprint, now};
        }
        return std::nullopt;
      }
      if (now - a.last_true_ns < t.keep_firing_for_ns) {
        // Still firing (held by keep_firing_for): a repeat is as due as ever.
        if (t.repeat_interval_ns > 0 && now - a.last_sent_ns >= t.repeat_interval_ns) {
          a.last_sent_ns = now;
          return Notification{Notification::Kind::kFiring, a.fingerprint, now};
        }
        return std::nullopt;
      }
      a.state = AlertState::kInactive;
      a.resolved_at_ns = now;
      a.active_at_ns = 0;
      a.last_sent_ns = now;
      return Notification{Notification::Kind::kResolved, a.fingerprint, now};
  }
  return std::nullopt;
}

std::optional<TimeNs> next_deadline(const AlertInstance& a, const AlertTiming& t) {
  std::optional<TimeNs> next;
  // from + after, saturating: an absurdly long duration must not overflow into the past.
  auto consider = [&](TimeNs from, TimeNs after) {
    TimeNs at;
    if (__builtin_add_overflow(from, after, &at)) at = std::numeric_limits<TimeNs>::max();
    if (!next || at < *next) next = at;
  };
  if (a.state == AlertState::kPending) consider(a.active_at_ns, t.for_ns);
  if (a.state == AlertState::kFiring) {
    if (t.keep_firing_for_ns > 0) consider(a.last_true_ns, t.keep_firing_for_ns);
    if (t.repeat_interval_ns > 0) consider(a.last_sent_ns, t.repeat_interval_ns);
  }
  return next;
}

std::uint64_t fingerprint(const Labels& labels) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // separator: ("ab","c") and ("a","bc") differ
    h *= 1099511628211ull;
  };
  for (const auto& [k, v] : labels) {
    mix(k);
    mix(v);
  }
  return h;
}

std::string fingerprint_hex(std::uint64_t f) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(f));
  return buf;
}

namespace {

// Exactly one conversion, and it is a floating-point one: %[flags][width][.precision](f|g|e).
// Anything else from a rule file would be a format-string hazard and prints as %g instead.
bool safe_float_format(std::string_view f) {
  const auto pct = f.find('%');
  if (pct == std::string_view::npos || f.find('%', pct + 1) != std::string_view::npos) return false;
  std::size_t i = pct + 1;
  while (i < f.size() && std::string_view("-+ 0#").find(f[i]) != std::string_view::npos) ++i;
  while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) ++i;
  if (i < f.size() && f[i] == '.') {
    ++i;
    while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) ++i;
  }
  return i < f.size() && std::string_view("fgeFGE").find(f[i]) != std::string_view::npos &&
         f.size() < 32;
}

}  // namespace

std::string expand_template(std::string_view text, const Labels& labels, double value) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find("{{", i);
    if (open == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    std::string_view inner = text.substr(open + 2, close - open - 2);
    while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
    while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
    if (inner.starts_with("$labels.")) {
      const std::string_view name = inner.substr(8);
      for (const auto& [k, v] : labels) {
        if (k == name) out += v;
      }
    } else if (inner.starts_with("$value")) {
      std::string_view rest = inner.substr(6);
      const auto quote = rest.find('"');
      char buf[64];
      std::string format = "%g";
      if (rest.find("printf") != std::string_view::npos && quote != std::string_view::npos) {
        const auto end = rest.find('"', quote + 1);
        if (end != std::string_view::npos && safe_float_format(rest.substr(quote + 1, end - quote - 1))) {
          format = std::string(rest.substr(quote + 1, end - quote - 1));
        }
      }
      std::snprintf(buf, sizeof buf, format.c_str(), value);
      out += buf;
    } else {
      out += text.substr(open, close + 2 - open);  // unknown: left as written
    }
    i = close + 2;
  }
  return out;
}

}  // namespace hashwatch::rules::alerts
