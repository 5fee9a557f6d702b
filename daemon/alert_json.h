// Alerts in the external schema (DESIGN §4), Alertmanager-compatible: fingerprint, status, labels,
// annotations, value, startsAt, endsAt, generatorURL; times RFC 3339 UTC. The same document is the
// outbox payload (Kafka value, webhook element) and an /api/v1/alerts item.
#pragma once

#include <string>
#include <vector>

#include "rules/rule_runtime.h"

namespace hashwatch::daemon {

// A transition to deliver. `base_url` is the daemon's own address, for generatorURL.
std::string alert_payload(const rules::AlertTransition& transition, const std::string& base_url);

// GET /api/v1/alerts: {"alerts": [...]} with status "pending" or "firing", plus activeAt (pending
// since) and firedAt (firing since) for each.
// `fingerprint` (16 hex digits), when not empty, selects one alert: the generatorURL of a notification.
std::string render_alerts_json(const std::vector<rules::AlertView>& alerts, const std::string& base_url,
                               std::string_view fingerprint = {});

}  // namespace hashwatch::daemon
