// Interns series (name + sorted labels) and feed sources to small integer ids, so the hot path hashes
// no strings. Ids are stable for the life of the process (also across reloads); interning is thread-safe.
#pragma once

#include <deque>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/event.h"

namespace hashwatch::rules {

using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted by name

struct SeriesInfo {
  std::string name;
  Labels labels;
  std::string key;  // canonical text: name{a="x",b="y"}
};

class SeriesRegistry {
 public:
  SeriesId intern(std::string_view name, Labels labels = {});
  SourceId intern_source(std::string_view feed_name);

  // The returned reference stays valid for the registry's lifetime.
  const SeriesInfo& info(SeriesId id) const;
  const std::string& source_name(SourceId id) const;
  std::size_t series_count() const;
  std::size_t source_count() const;
  // Label value or empty when absent.
  static std::string_view label(const SeriesInfo& info, std::string_view name);

  static std::string canonical_key(std::string_view name, const Labels& sorted_labels);

 private:
  mutable std::shared_mutex mu_;
  std::deque<SeriesInfo> series_;
  std::map<std::string, SeriesId, std::less<>> by_key_;
  std::deque<std::string> sources_;
  std::map<std::string, SourceId, std::less<>> source_by_name_;
};

}  // namespace hashwatch::rules
