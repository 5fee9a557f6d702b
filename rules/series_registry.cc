#include "rules/series_registry.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace hashwatch::rules {

std::string SeriesRegistry::canonical_key(std::string_view name, const Labels& sorted_labels) {
  std::string key(name);
  if (!sorted_labels.empty()) {
    key += '{';
    for (std::size_t i = 0; i < sorted_labels.size(); ++i) {
      if (i > 0) key += ',';
      key += sorted_labels[i].first;
      key += "=\"";
      key += sorted_labels[i].second;
      key += '"';
    }
    key += '}';
  }
  return key;
}

SeriesId SeriesRegistry::intern(std::string_view name, Labels labels) {
  std::sort(labels.begin(), labels.end());
  std::string key = canonical_key(name, labels);
  {
    std::shared_lock lock(mu_);
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  }
  std::unique_lock lock(mu_);
  if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
  auto id = static_cast<SeriesId>(series_.size());
  series_.push_back(SeriesInfo{std::string(name), std::move(labels), key});
  by_key_.emplace(std::move(key), id);
  return id;
}

SourceId SeriesRegistry::intern_source(std::string_view feed_name) {
  {
    std::shared_lock lock(mu_);
    if (auto it = source_by_name_.find(feed_name); it != source_by_name_.end()) return it->second;
  }
  std::unique_lock lock(mu_);
  if (auto it = source_by_name_.find(feed_name); it != source_by_name_.end()) return it->second;
  if (sources_.size() >= 0xFFFF) throw std::length_error("too many feed sources");
  auto id = static_cast<SourceId>(sources_.size());
  sources_.emplace_back(feed_name);
  source_by_name_.emplace(std::string(feed_name), id);
  return id;
}

const SeriesInfo& SeriesRegistry::info(SeriesId id) const {
  std::shared_lock lock(mu_);
  return series_.at(id);
}

const std::string& SeriesRegistry::source_name(SourceId id) const {
  std::shared_lock lock(mu_);
  return sources_.at(id);
}

std::size_t SeriesRegistry::series_count() const {
  std::shared_lock lock(mu_);
  return series_.size();
}

std::size_t SeriesRegistry::source_count() const {
  std::shared_lock lock(mu_);
  return sources_.size();
}

std::string_view SeriesRegistry::label(const SeriesInfo& info, std::string_view name) {
  for (const auto& [k, v] : info.labels) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace hashwatch::rules
