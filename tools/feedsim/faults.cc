#include "tools/feedsim/faults.h"

#include <algorithm>
#include <charconv>
#include <iterator>

namespace hashwatch::feedsim {

bool Faults::any() const {
  return disconnect_after || stall_after || malformed_at || skip_at || close_code || slow_reader;
}

std::optional<Faults> parse_faults(std::string_view query, std::string* error) {
  Faults faults;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    static constexpr std::string_view kKeys[] = {"disconnect_after", "stall_after", "malformed_at",
                                                 "skip_at", "close_code", "slow_reader"};
    // Other query parameters belong to the feed's own protocol (e.g. Binance's streams=).
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) continue;
    std::uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size()) {
      if (error) *error = "fault " + std::string(key) + ": \"" + std::string(value) + "\" is not a count";
      return std::nullopt;
    }
    if (key == "disconnect_after") faults.disconnect_after = n;
    else if (key == "stall_after") faults.stall_after = n;
    else if (key == "malformed_at") faults.malformed_at = n;
    else if (key == "skip_at") faults.skip_at = n;
    else if (key == "close_code") faults.close_code = static_cast<std::uint16_t>(n);
    else if (key == "slow_reader") faults.slow_reader = n != 0;

  }
  return faults;
}

}  // namespace hashwatch::feedsim
