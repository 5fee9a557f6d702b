// systemd service notifications (READY=1, RELOADING=1, STOPPING=1, WATCHDOG=1, STATUS=...) through
// NOTIFY_SOCKET; all no-ops when not started by systemd.
#pragma once

#include <cstdint>
#include <string_view>

namespace hashwatch::daemon {

void notify_ready();
void notify_reloading();
void notify_stopping();
void notify_watchdog();
void notify_status(std::string_view status);
// Watchdog interval requested by the service manager in microseconds; 0 when disabled.
std::uint64_t watchdog_interval_us();

}  // namespace hashwatch::daemon
