#include "tools/feedsim/replay.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>
#include <stdexcept>

#include "connectors/common/parse_util.h"

namespace hashwatch::feedsim {

namespace {

// Calls `f(start, length)` for the value token of every `"key":` in a compact JSON text: a quoted
// string (span without the quotes) or a bare number.
void for_each_value(const std::string& text, const std::string& key,
                    const std::function<void(std::size_t, std::size_t)>& f) {
  const std::string needle = "\"" + key + "\":";
  std::size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    std::size_t i = pos + needle.size();
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == '"') {
      const std::size_t end = text.find('"', i + 1);
      if (end == std::string::npos) return;
      f(i + 1, end - i - 1);
      pos = end;
    } else {
      std::size_t j = i;
      while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '-')) ++j;
      if (j > i) f(i, j - i);
      pos = j;
    }
  }
}

std::optional<TimeNs> read_time(std::string_view token, TimeUnit unit) {
  if (unit == TimeUnit::kRfc3339Micros) return connectors::parse_rfc3339_ns(token);
  auto n = connectors::parse_int(token);
  if (!n) return std::nullopt;
  switch (unit) {
    case TimeUnit::kMillisInt: return *n * kNsPerMs;
    case TimeUnit::kMicrosString: return *n * kNsPerUs;
    case TimeUnit::kSecondsString: return *n * kNsPerSecond;
    case TimeUnit::kRfc3339Micros: break;
  }
  return std::nullopt;
}

std::string write_time(TimeNs t, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kRfc3339Micros: return connectors::format_rfc3339(t, 6);
    case TimeUnit::kMillisInt: return std::to_string(t / kNsPerMs);
    case TimeUnit::kMicrosString: return std::to_string(t / kNsPerUs);
    case TimeUnit::kSecondsString: return std::to_string(t / kNsPerSecond);
  }
  return {};
}

struct Edit {
  std::size_t start, length;
  std::string replacement;
};

}  // namespace

Recording::Recording(std::vector<std::string> frames, ShiftSpec spec)
    : frames_(std::move(frames)), spec_(std::move(spec)) {
  if (frames_.empty()) throw std::runtime_error("recording has no frames");
  std::vector<std::int64_t> lo(spec_.id_groups.size(), std::numeric_limits<std::int64_t>::max());
  std::vector<std::int64_t> hi(spec_.id_groups.size(), std::numeric_limits<std::int64_t>::min());
  TimeNs tlo = std::numeric_limits<TimeNs>::max(), thi = std::numeric_limits<TimeNs>::min();
  for (const std::string& f : frames_) {
    bool seq = false;
    for (std::size_t g = 0; g < spec_.id_groups.size(); ++g) {
      for (const auto& key : spec_.id_groups[g]) {
        for_each_value(f, key, [&](std::size_t start, std::size_t len) {
          if (auto n = connectors::parse_int(std::string_view(f).substr(start, len))) {
            lo[g] = std::min(lo[g], *n);
            hi[g] = std::max(hi[g], *n);
            seq = true;
          }
        });
      }
    }
    for (const auto& [key, unit] : spec_.time_keys) {
      for_each_value(f, key, [&](std::size_t start, std::size_t len) {
        if (auto t = read_time(std::string_view(f).substr(start, len), unit)) {
          tlo = std::min(tlo, *t);
          thi = std::max(thi, *t);
        }
      });
    }
    has_sequence_.push_back(seq);
  }
  for (std::size_t g = 0; g < spec_.id_groups.size(); ++g) {
    group_span_.push_back(hi[g] >= lo[g] ? hi[g] - lo[g] + 1 : 0);
  }
  time_span_ns_ = thi >= tlo ? thi - tlo + kNsPerSecond : kNsPerSecond;
}

Frame Recording::frame(std::size_t index, std::size_t cycle) const {
  const std::string& text = frames_[index];
  if (cycle == 0) return Frame{text, has_sequence_[index]};
  const auto c = static_cast<std::int64_t>(cycle);
  std::vector<Edit> edits;
  for (std::size_t g = 0; g < spec_.id_groups.size(); ++g) {
    for (const auto& key : spec_.id_groups[g]) {
      for_each_value(text, key, [&](std::size_t start, std::size_t len) {
        if (auto n = connectors::parse_int(std::string_view(text).substr(start, len))) {
          edits.push_back({start, len, std::to_string(*n + c * group_span_[g])});
        }
      });
    }
  }
  for (const auto& [key, unit] : spec_.time_keys) {
    for_each_value(text, key, [&](std::size_t start, std::size_t len) {
      if (auto t = read_time(std::string_view(text).substr(start, len), unit)) {
        edits.push_back({start, len, write_time(*t + c * time_span_ns_, unit)});
      }
    });
  }
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.start > b.start; });
  std::string out = text;
  for (const Edit& e : edits) out.replace(e.start, e.length, e.replacement);
  return Frame{std::move(out), has_sequence_[index]};
}

std::optional<Frame> Cursor::next() {
  if (index_ == recording_->size()) {
    if (!loop_) return std::nullopt;
    index_ = 0;
    ++cycle_;
    if (clock_) clock_->next_cycle = std::max(clock_->next_cycle, cycle_ + 1);
  }
  return recording_->frame(index_++, cycle_);
}

std::vector<std::string> load_jsonl(const std::string& path, bool (*keep)(std::string_view)) {
  std::vector<std::string> out;
  for (std::string& line : read_lines(path)) {
    if (keep == nullptr || keep(line)) out.push_back(std::move(line));
  }
  return out;
}

}  // namespace hashwatch::feedsim
