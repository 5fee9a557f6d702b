#include "daemon/alert_json.h"

#include <boost/json.hpp>

#include "connectors/common/parse_util.h"

namespace hashwatch::daemon {

namespace {

namespace json = boost::json;

// Alertmanager's "not resolved yet".
constexpr const char* kOpenEnd = "0001-01-01T00:00:00Z";

json::object alert_object(const rules::alerts::AlertInstance& a, std::string_view status,
                          const std::vector<std::pair<std::string, std::string>>& annotations,
                          const std::string& base_url) {
  json::object o;
  const std::string fp = rules::alerts::fingerprint_hex(a.fingerprint);
  o["fingerprint"] = fp;
  o["status"] = status;
  json::object labels;
  for (const auto& [k, v] : a.labels) labels[k] = v;
  o["labels"] = std::move(labels);
  json::object ann;
  for (const auto& [k, v] : annotations) ann[k] = v;
  o["annotations"] = std::move(ann);
  o["value"] = a.value;
  o["startsAt"] = connectors::format_rfc3339_ms(a.active_at_ns);
  o["endsAt"] = status == "resolved" ? connectors::format_rfc3339_ms(a.resolved_at_ns) : kOpenEnd;
  o["generatorURL"] = base_url + "/api/v1/alerts?fingerprint=" + fp;
  return o;
}

}  // namespace

std::string alert_payload(const rules::AlertTransition& t, const std::string& base_url) {
  const bool firing = t.kind == rules::alerts::Notification::Kind::kFiring;
  return json::serialize(alert_object(t.alert, firing ? "firing" : "resolved", t.annotations, base_url));
}

std::string render_alerts_json(const std::vector<rules::AlertView>& alerts, const std::string& base_url,
                               std::string_view fingerprint) {
  json::array items;
  for (const rules::AlertView& v : alerts) {
    if (!fingerprint.empty() && rules::alerts::fingerprint_hex(v.alert.fingerprint) != fingerprint) continue;
    json::object o = alert_object(v.alert, rules::alerts::state_name(v.alert.state), v.annotations, base_url);
    o["activeAt"] = connectors::format_rfc3339_ms(v.alert.active_at_ns);
    if (v.alert.state == rules::alerts::AlertState::kFiring) {
      o["firedAt"] = connectors::format_rfc3339_ms(v.alert.fired_at_ns);
    }
    if (v.alert.last_sent_ns != 0) o["lastSentAt"] = connectors::format_rfc3339_ms(v.alert.last_sent_ns);
    items.push_back(std::move(o));
  }
  json::object root;
  root["alerts"] = std::move(items);
  return json::serialize(root) + "\n";
}

}  // namespace hashwatch::daemon
