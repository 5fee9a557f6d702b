#include "daemon/notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <string>

namespace hashwatch::daemon {

void notify_ready() { sd_notify(0, "READY=1"); }

void notify_reloading() {
  // systemd 253+ (Type=notify-reload) wants MONOTONIC_USEC with RELOADING=1; older ones ignore it.
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const std::uint64_t usec = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000 +
                             static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
  sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", static_cast<unsigned long long>(usec));
}

void notify_stopping() { sd_notify(0, "STOPPING=1"); }

void notify_watchdog() { sd_notify(0, "WATCHDOG=1"); }

void notify_status(std::string_view status) {
  const std::string message = "STATUS=" + std::string(status);
  sd_notify(0, message.c_str());
}

std::uint64_t watchdog_interval_us() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) return usec;
  return 0;
}

}  // namespace hashwatch::daemon
