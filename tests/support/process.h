// Child processes for integration tests: spawn with extra environment, capture stdout/stderr lines,
// wait for a line or an exit with a deadline, signal, and always reap (SIGKILL on destruction).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace hashwatch::testing {

using Clock = std::chrono::steady_clock;

class Process {
 public:
  Process(const std::string& path, const std::vector<std::string>& args,
          const std::map<std::string, std::string>& env = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signo);
  // Waits for a stdout (or stderr) line matching `pred`; returns it or nullopt on timeout/exit.
  std::optional<std::string> wait_stdout(const std::function<bool(const std::string&)>& pred,
                                         std::chrono::milliseconds timeout);
  std::optional<std::string> wait_stderr(const std::function<bool(const std::string&)>& pred,
                                         std::chrono::milliseconds timeout, std::size_t from = 0);
  // Lines of stderr captured so far: a mark for wait_stderr(..., from).
  std::size_t stderr_lines();
  // Resident set size from /proc, in KiB (0 when unavailable).
  long rss_kib() const;
  // Exit status (as from waitpid's WEXITSTATUS, or 128+signal) or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  std::string stderr_text();
  std::string stdout_text();

 private:
  void reader(int fd, std::vector<std::string>& lines);
  std::optional<std::string> wait_line(std::vector<std::string>& lines,
                                       const std::function<bool(const std::string&)>& pred,
                                       std::chrono::milliseconds timeout, std::size_t from = 0);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> out_, err_;
  int open_streams_ = 2;
  std::thread out_thread_, err_thread_;
};

// Run a command to completion; returns exit code and captured output (stdin from `input`).
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult run_command(const std::string& path, const std::vector<std::string>& args,
                      const std::string& input = "");

// Polls `pred` until it is true or the deadline passes (a condition with a deadline, not a sleep).
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

struct HttpResult {
  int status = 0;  // 0: connection failed
  std::string body;
};
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& headers = "");
inline HttpResult http_get(std::uint16_t port, const std::string& target) {
  return http_request(port, "GET", target);
}

// An AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  NotifySocket();
  ~NotifySocket();
  const std::string& path() const { return path_; }
  // Waits for a datagram containing `needle` (e.g. "READY=1"); all datagrams are kept.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout);
  std::vector<std::string> received();

 private:
  int fd_ = -1;
  std::string dir_, path_;
  std::vector<std::string> received_;
};

std::string make_temp_dir();
// A TCP port on 127.0.0.1 that was free a moment ago (for programs that cannot report their own).
std::uint16_t free_port();
void write_file(const std::string& path, const std::string& text);

}  // namespace hashwatch::testing
