// An EventSink that keeps every event, for protocol tests.
#pragma once

#include <vector>

#include "connectors/common/connector.h"

namespace hashwatch::testing {

struct RecordingSink : connectors::EventSink {
  std::vector<rules::Event> events;
  bool push(const rules::Event& e) override {
    events.push_back(e);
    return true;
  }
  std::vector<double> values() const {
    std::vector<double> v;
    for (const auto& e : events) {
      if (e.kind == rules::EventKind::kValue) v.push_back(e.value);
    }
    return v;
  }
};

inline connectors::FeedConfig feed_config(const char* name, const char* kind,
                                          void (*apply_defaults)(connectors::FeedConfig&)) {
  connectors::FeedConfig c;
  c.name = name;
  c.kind = kind;
  apply_defaults(c);
  return c;
}

}  // namespace hashwatch::testing
