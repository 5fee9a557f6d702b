// A recorded JSONL stream replayed as many times as needed: each cycle shifts the recording's ids and
// times forward so that sequences stay increasing (and contiguous across the cycle boundary) and times
// keep moving, as a live feed's would. Shifting edits the id and time tokens in the text and leaves
// every other byte as recorded (number formatting included).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/time.h"
#include "tools/feedsim/format.h"

namespace hashwatch::feedsim {

enum class TimeUnit { kRfc3339Micros, kMillisInt, kMicrosString, kSecondsString };

struct ShiftSpec {
  // Keys shifted together (e.g. Coinbase's trade_id and last_trade_id); each group is offset by its
  // span per cycle so the first id of a cycle follows the last of the previous one.
  std::vector<std::vector<std::string>> id_groups;
  std::vector<std::pair<std::string, TimeUnit>> time_keys;  // all shifted by one time offset
};

class Recording {
 public:
  Recording(std::vector<std::string> frames, ShiftSpec spec);
  std::size_t size() const { return frames_.size(); }
  Frame frame(std::size_t index, std::size_t cycle) const;
  const std::string& raw(std::size_t index) const { return frames_[index]; }

 private:
  std::vector<std::string> frames_;
  std::vector<bool> has_sequence_;
  ShiftSpec spec_;
  std::vector<std::int64_t> group_span_;
  TimeNs time_span_ns_ = 0;
};

// The cycles a feed's connections have used. A new connection starts after every cycle used
// before, so a client that reconnects sees the market move on (ids and times keep increasing), as it
// would on a live exchange, instead of the recording starting over.
struct MarketClock {
  std::size_t next_cycle = 0;
};

class Cursor {
 public:
  Cursor(std::shared_ptr<const Recording> recording, bool loop,
         std::shared_ptr<MarketClock> clock = nullptr)
      : recording_(std::move(recording)), loop_(loop), clock_(std::move(clock)) {
    if (clock_) {
      cycle_ = clock_->next_cycle;
      clock_->next_cycle = cycle_ + 1;
    }
  }
  // The next frame, or std::nullopt at the end of a non-looping recording.
  std::optional<Frame> next();
  std::size_t cycle() const { return cycle_; }

 private:
  std::shared_ptr<const Recording> recording_;
  bool loop_;
  std::shared_ptr<MarketClock> clock_;
  std::size_t index_ = 0;
  std::size_t cycle_ = 0;
};

// Reads a JSONL fixture; `keep` (given the line) selects the frames to stream.
std::vector<std::string> load_jsonl(const std::string& path,
                                    bool (*keep)(std::string_view line) = nullptr);

}  // namespace hashwatch::feedsim
