// TLS in the shared WebSocket client, against `openssl s_server` on loopback with certificates made
// for the test: untrusted CAs and wrong host names are refused, SNI is sent, a trusted certificate
// for the right name passes the TLS handshake.
#include <gtest/gtest.h>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace hashwatch::testing {
namespace {

using namespace std::chrono_literals;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = make_temp_dir();
    auto ssl = [&](std::vector<std::string> args) {
      const auto r = run_command("openssl", args);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    };
    ssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/ca.key", "-out",
         dir + "/ca.pem", "-days", "2", "-subj", "/CN=hashwatch test CA"});
    ssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/srv.key", "-out",
         dir + "/srv.csr", "-subj", "/CN=localhost"});
    write_file(dir + "/ext.cnf", "subjectAltName=DNS:localhost\n");
    ssl({"x509", "-req", "-in", dir + "/srv.csr", "-CA", dir + "/ca.pem", "-CAkey", dir + "/ca.key",
         "-CAcreateserial", "-out", dir + "/srv.pem", "-days", "2", "-extfile", dir + "/ext.cnf"});
    port = free_port();
    // -www answers HTTP with a status page: the TLS handshake can succeed while the WebSocket
    // upgrade then fails, which tells the two apart in the daemon's log.
    // stdbuf: s_server writes through stdio, which a pipe would otherwise hold back.
    server = std::make_unique<Process>(
        "/usr/bin/stdbuf",
        std::vector<std::string>{"-oL", "-eL", "openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
                                 dir + "/srv.pem", "-key", dir + "/srv.key", "-servername",
                                 "localhost", "-cert2", dir + "/srv.pem", "-key2", dir + "/srv.key",
                                 "-www"});
    ASSERT_TRUE(server->wait_stdout([](const std::string& l) { return l == "ACCEPT"; }, 10s))
        << server->stderr_text();
  }

  void TearDown() override {
    daemon.reset();
    server.reset();
    std::system(("rm -rf " + dir).c_str());
  }

  void start_daemon(const std::string& host, bool trust_test_ca) {
    const std::string config = dir + "/hashwatch.yaml";
    write_file(config, "server: {listen: 127.0.0.1:0}\nstate: {dir: state}\nfeeds:\n  - {name: tls, kind: coinbase, url: \"wss://" +
                           host + ":" + std::to_string(port) +
                           "/\", backoff: {initial: 100ms, max: 500ms}}\n");
    std::map<std::string, std::string> env;
    if (trust_test_ca) env["SSL_CERT_FILE"] = dir + "/ca.pem";  // OpenSSL's default verify path
    daemon = std::make_unique<Process>(binary_path("daemon/hashwatchd"),
                                       std::vector<std::string>{"--config", config}, env);
  }

  bool daemon_logs(const std::string& needle) {
    return daemon
        ->wait_stderr([&](const std::string& l) { return l.find(needle) != std::string::npos; }, 10s)
        .has_value();
  }

  std::string dir;
  std::uint16_t port = 0;
  std::unique_ptr<Process> server, daemon;
};

TEST_F(TlsTest, UntrustedCertificateIsRefused) {
  start_daemon("localhost", false);
  EXPECT_TRUE(daemon_logs("TLS handshake with localhost: certificate verify failed"))
      << daemon->stderr_text();
}

TEST_F(TlsTest, CertificateForAnotherNameIsRefused) {
  start_daemon("127.0.0.1", true);  // the certificate names localhost only
  EXPECT_TRUE(daemon_logs("TLS handshake with 127.0.0.1: certificate verify failed"))
      << daemon->stderr_text();
}

TEST_F(TlsTest, TrustedCertificatePassesAndSniIsSent) {
  start_daemon("localhost", true);
  EXPECT_TRUE(daemon_logs("websocket handshake:")) << daemon->stderr_text();
  EXPECT_FALSE(daemon->stderr_text().find("certificate verify failed") != std::string::npos);
  EXPECT_TRUE(server->wait_stdout(
      [](const std::string& l) { return l == "Hostname in TLS extension: \"localhost\""; }, 5s))
      << server->stdout_text() << server->stderr_text();
}

}  // namespace
}  // namespace hashwatch::testing
