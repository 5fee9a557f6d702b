// The RocksDB state: alert instances and the outbox survive reopening and a kill -9 right after a
// commit; unreadable records are skipped and counted; alert documents follow the external schema.
#include "daemon/state_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <csignal>

#include "daemon/alert_json.h"
#include "tests/support/fixtures.h"

namespace hashwatch::daemon {
namespace {

using rules::alerts::AlertInstance;
using rules::alerts::AlertState;

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hashwatch-state-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + dir).c_str()); }

  std::unique_ptr<StateStore> open() {
    std::string error;
    auto store = StateStore::open(dir, &error);
    EXPECT_NE(store, nullptr) << error;
    return store;
  }

  static AlertInstance instance(const std::string& site, AlertState state, TimeNs active_at) {
    AlertInstance a;
    a.labels = {{"alertname", "MiningBelowBreakeven"}, {"severity", "critical"}, {"site", site}};
    a.fingerprint = rules::alerts::fingerprint(a.labels);
    a.state = state;
    a.value = 71.25;
    a.active_at_ns = active_at;
    a.fired_at_ns = state == AlertState::kFiring ? active_at + 600'000'000'000 : 0;
    a.last_sent_ns = a.fired_at_ns;
    a.last_true_ns = active_at + 5;
    return a;
  }

  std::string dir;
};

TEST_F(StateStoreTest, AlertsAndOutboxSurviveReopening) {
  {
    auto store = open();
    std::string error;
    ASSERT_TRUE(store->commit({instance("a", AlertState::kPending, 100), instance("b", AlertState::kFiring, 200)},
                              {"first", "second"}, &error))
        << error;
    ASSERT_TRUE(store->commit({instance("a", AlertState::kInactive, 0)}, {"third"}, &error)) << error;
    EXPECT_EQ(store->outbox_depth(), 3u);
  }
  auto store = open();
  const auto alerts = store->load_alerts();
  ASSERT_EQ(alerts.size(), 1u);  // a was deleted
  const AlertInstance expected = instance("b", AlertState::kFiring, 200);
  EXPECT_EQ(alerts[0].labels, expected.labels);
  EXPECT_EQ(alerts[0].fingerprint, expected.fingerprint);
  EXPECT_EQ(alerts[0].state, AlertState::kFiring);
  EXPECT_EQ(alerts[0].active_at_ns, 200);
  EXPECT_EQ(alerts[0].fired_at_ns, expected.fired_at_ns);
  EXPECT_EQ(alerts[0].last_sent_ns, expected.last_sent_ns);
  EXPECT_EQ(alerts[0].last_true_ns, 205);
  EXPECT_EQ(alerts[0].value, 71.25);

  EXPECT_EQ(store->outbox_depth(), 3u);
  auto entries = store->outbox(10);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].payload, "first");
  EXPECT_EQ(entries[2].payload, "third");
  EXPECT_LT(entries[0].sequence, entries[1].sequence);
  std::string error;
  ASSERT_TRUE(store->acknowledge(entries[0].sequence, &error));
  EXPECT_EQ(store->outbox_depth(), 2u);
  EXPECT_EQ(store->outbox(10, entries[1].sequence).size(), 1u);
  // Sequence numbers keep increasing after a reopen, even once the outbox is emptied.
  ASSERT_TRUE(store->acknowledge(entries[1].sequence, &error));
  ASSERT_TRUE(store->commit({}, {"fourth"}, &error));
  store.reset();
  store = open();
  entries = store->outbox(10);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].payload, "fourth");
  EXPECT_GT(entries[1].sequence, entries[0].sequence);
}

TEST_F(StateStoreTest, ACommitSurvivesKillNine) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string error;
    auto store = StateStore::open(dir, &error);
    if (!store || !store->commit({instance("a", AlertState::kFiring, 100)}, {"payload"}, &error)) _exit(2);
    raise(SIGKILL);  // no destructor, no flush: only what commit() made durable remains
    _exit(3);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  auto store = open();
  ASSERT_EQ(store->load_alerts().size(), 1u);
  ASSERT_EQ(store->outbox(10).size(), 1u);
  EXPECT_EQ(store->outbox(10)[0].payload, "payload");
}

TEST_F(StateStoreTest, UnreadableRecordsAreSkippedAndCounted) {
  {
    auto store = open();
    std::string error;
    ASSERT_TRUE(store->commit({instance("a", AlertState::kFiring, 100)}, {}, &error));
  }
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir + "/state.rocksdb", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "alert/00000000000000ff", "\x01garbage").ok());
  }
  auto store = open();
  EXPECT_EQ(store->load_alerts().size(), 1u);
  EXPECT_EQ(store->corrupt_records(), 1u);
}

TEST(AlertEncoding, RoundTripsAndRejectsTruncation) {
  AlertInstance a;
  a.labels = {{"alertname", "X"}, {"site", "with \"quotes\" and \n newline"}};
  a.fingerprint = rules::alerts::fingerprint(a.labels);
  a.state = AlertState::kPending;
  a.active_at_ns = 1'700'000'000'000'000'000;
  const std::string bytes = StateStore::encode(a);
  auto back = StateStore::decode(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->labels, a.labels);
  EXPECT_EQ(back->active_at_ns, a.active_at_ns);
  for (std::size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(StateStore::decode(bytes.substr(0, n)).has_value()) << n;
  EXPECT_FALSE(StateStore::decode(bytes + "x").has_value());
}

TEST(AlertJson, TransitionsFollowTheExternalSchema) {
  rules::AlertTransition t;
  t.kind = rules::alerts::Notification::Kind::kResolved;
  t.alert.labels = {{"alertname", "MiningBelowBreakeven"}, {"site", "tx-1"}};
  t.alert.fingerprint = rules::alerts::fingerprint(t.alert.labels);
  t.alert.value = 71.5;
  t.alert.active_at_ns = 1'764'115'200'000'000'000;    // 2025-11-26T00:00:00Z
  t.alert.resolved_at_ns = 1'764'117'000'250'000'000;  // 00:30:00.250
  t.annotations = {{"summary", "tx-1: power 71.5 $/MWh is above breakeven"}};
  const auto doc = boost::json::parse(alert_payload(t, "http://127.0.0.1:9464")).as_object();
  EXPECT_EQ(doc.at("fingerprint").as_string(), rules::alerts::fingerprint_hex(t.alert.fingerprint));
  EXPECT_EQ(doc.at("status").as_string(), "resolved");
  EXPECT_EQ(doc.at("labels").at("site").as_string(), "tx-1");
  EXPECT_EQ(doc.at("annotations").at("summary").as_string(), "tx-1: power 71.5 $/MWh is above breakeven");
  EXPECT_EQ(doc.at("value").as_double(), 71.5);
  EXPECT_EQ(doc.at("startsAt").as_string(), "2025-11-26T00:00:00.000Z");
  EXPECT_EQ(doc.at("endsAt").as_string(), "2025-11-26T00:30:00.250Z");
  EXPECT_EQ(doc.at("generatorURL").as_string(),
            "http://127.0.0.1:9464/api/v1/alerts?fingerprint=" + rules::alerts::fingerprint_hex(t.alert.fingerprint));
  t.kind = rules::alerts::Notification::Kind::kFiring;
  const auto firing = boost::json::parse(alert_payload(t, "")).as_object();
  EXPECT_EQ(firing.at("status").as_string(), "firing");
  EXPECT_EQ(firing.at("endsAt").as_string(), "0001-01-01T00:00:00Z");
}

}  // namespace
}  // namespace hashwatch::daemon
