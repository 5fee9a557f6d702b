#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace hashwatch::testing {

namespace {

void set_env(const std::map<std::string, std::string>& env) {
  for (const auto& [k, v] : env) {
    if (v == "$PID") {
      setenv(k.c_str(), std::to_string(getpid()).c_str(), 1);
    } else {
      setenv(k.c_str(), v.c_str(), 1);
    }
  }
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Process::Process(const std::string& path, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    set_env(env);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(path.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  out_thread_ = std::thread([this, fd = out[0]] { reader(fd, out_); });
  err_thread_ = std::thread([this, fd = err[0]] { reader(fd, err_); });
}

Process::~Process() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (out_thread_.joinable()) out_thread_.join();
  if (err_thread_.joinable()) err_thread_.join();
}

void Process::reader(int fd, std::vector<std::string>& lines) {
  std::string partial;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    partial.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      std::lock_guard lock(mu_);
      lines.push_back(partial.substr(0, nl));
      partial.erase(0, nl + 1);
      cv_.notify_all();
    }
  }
  close(fd);
  std::lock_guard lock(mu_);
  if (!partial.empty()) lines.push_back(partial);
  --open_streams_;
  cv_.notify_all();
}

void Process::signal(int signo) { ::kill(pid_, signo); }

std::optional<std::string> Process::wait_line(std::vector<std::string>& lines,
                                              const std::function<bool(const std::string&)>& pred,
                                              std::chrono::milliseconds timeout, std::size_t from) {
  std::unique_lock lock(mu_);
  std::size_t checked = from;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    for (; checked < lines.size(); ++checked) {
      if (pred(lines[checked])) return lines[checked];
    }
    if (open_streams_ == 0) return std::nullopt;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; checked < lines.size(); ++checked) {
        if (pred(lines[checked])) return lines[checked];
      }
      return std::nullopt;
    }
  }
}

std::optional<std::string> Process::wait_stdout(
    const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds timeout) {
  return wait_line(out_, pred, timeout);
}

std::optional<std::string> Process::wait_stderr(
    const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds timeout,
    std::size_t from) {
  return wait_line(err_, pred, timeout, from);
}

std::size_t Process::stderr_lines() {
  std::lock_guard lock(mu_);
  return err_.size();
}

long Process::rss_kib() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  }
  return 0;
}

std::optional<int> Process::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = decode_status(status);
      // Everything the child wrote is read before its exit is reported.
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, deadline + std::chrono::seconds(5), [&] { return open_streams_ == 0; });
      return exit_code_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling waitpid, bounded
  }
}

std::string Process::stderr_text() {
  std::lock_guard lock(mu_);
  std::string s;
  for (const auto& l : err_) s += l + "\n";
  return s;
}

std::string Process::stdout_text() {
  std::lock_guard lock(mu_);
  std::string s;
  for (const auto& l : out_) s += l + "\n";
  return s;
}

RunResult run_command(const std::string& path, const std::vector<std::string>& args,
                      const std::string& input) {
  int in[2], out[2], err[2];
  if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    std::vector<char*> argv{const_cast<char*>(path.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(path.c_str(), argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  std::thread writer([&] {
    std::size_t off = 0;
    while (off < input.size()) {
      const ssize_t n = write(in[1], input.data() + off, input.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    close(in[1]);
  });
  RunResult result;
  auto drain = [](int fd, std::string& into) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) into.append(buf, static_cast<std::size_t>(n));
    close(fd);
  };
  std::thread err_reader([&] { drain(err[0], result.err); });
  drain(out[0], result.out);
  err_reader.join();
  writer.join();
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = decode_status(status);
  return result;
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // poll interval, not a sync
  }
}

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& headers) {
  HttpResult result;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return result;
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return result;
  }
  const std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
                          "Content-Length: 0\r\nConnection: close\r\n\r\n";
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return result;
  }
  std::string raw;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) raw.append(buf, static_cast<std::size_t>(n));
  close(fd);
  const auto sp = raw.find(' ');
  const auto hdr_end = raw.find("\r\n\r\n");
  if (sp == std::string::npos || hdr_end == std::string::npos) return result;
  result.status = std::atoi(raw.c_str() + sp + 1);
  result.body = raw.substr(hdr_end + 4);
  return result;
}

NotifySocket::NotifySocket() {
  dir_ = make_temp_dir();
  path_ = dir_ + "/notify.sock";
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("bind notify socket");
  }
}

NotifySocket::~NotifySocket() {
  close(fd_);
  unlink(path_.c_str());
  rmdir(dir_.c_str());
}

bool NotifySocket::wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
  for (const auto& m : received_) {
    if (m.find(needle) != std::string::npos) return true;
  }
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) continue;
    received_.emplace_back(buf, static_cast<std::size_t>(n));
    if (received_.back().find(needle) != std::string::npos) return true;
  }
}

std::vector<std::string> NotifySocket::received() { return received_; }

std::uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string make_temp_dir() {
  char tmpl[] = "/tmp/hashwatch-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp");
  return tmpl;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

}  // namespace hashwatch::testing
