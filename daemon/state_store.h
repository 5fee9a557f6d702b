// hashwatch's durable state in RocksDB: alert instances (pending since, firing since, last sent)
// and the delivery outbox. Alert-state changes and the notifications they cause are written in one
// atomic batch, so after a crash (kill -9 included: the write-ahead log is in the page cache before
// the batch returns) the state and the outbox agree: a transition is either in both or in neither,
// never sent twice nor lost. Delivery reads the outbox in order and deletes an entry only once the
// sink has acknowledged it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/alerts/alert.h"

namespace rocksdb {
class DB;
}

namespace hashwatch::daemon {

struct OutboxEntry {
  std::uint64_t sequence = 0;  // increases with every entry, across restarts
  std::string payload;         // the alert as JSON (the external schema)
};

class StateStore {
 public:
  // Opens (creating if needed) the database in `dir`. std::nullptr and `error` on failure.
  static std::unique_ptr<StateStore> open(const std::string& dir, std::string* error);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Every saved alert instance. A record that cannot be decoded is skipped and counted.
  std::vector<rules::alerts::AlertInstance> load_alerts();
  std::uint64_t corrupt_records() const { return corrupt_; }

  // One atomic batch: alert instances to save (state kInactive: delete) and outbox payloads to append.
  bool commit(const std::vector<rules::alerts::AlertInstance>& alerts, const std::vector<std::string>& outbox,
              std::string* error);

  // Up to `limit` outbox entries after `after`, oldest first.
  std::vector<OutboxEntry> outbox(std::size_t limit, std::uint64_t after = 0) const;
  bool acknowledge(std::uint64_t sequence, std::string* error);
  std::uint64_t outbox_depth() const;

  // The encoding of one alert instance (exposed for tests of corrupt records).
  static std::string encode(const rules::alerts::AlertInstance& alert);
  static std::optional<rules::alerts::AlertInstance> decode(std::string_view bytes);

 private:
  explicit StateStore(rocksdb::DB* db);
  std::unique_ptr<rocksdb::DB> db_;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t depth_ = 0;
  std::uint64_t corrupt_ = 0;
};

}  // namespace hashwatch::daemon
