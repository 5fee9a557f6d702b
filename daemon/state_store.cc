#include "daemon/state_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <cstring>
#include <filesystem>

namespace hashwatch::daemon {

namespace {

constexpr std::string_view kAlertPrefix = "alert/";
constexpr std::string_view kOutboxPrefix = "outbox/";
constexpr std::uint8_t kAlertVersion = 1;

std::string hex16(std::uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[v & 0xF];
    v >>= 4;
  }
  return out;
}

std::optional<std::uint64_t> parse_hex16(std::string_view s) {
  if (s.size() != 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<std::uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint64_t>(c - 'a' + 10);
    else return std::nullopt;
  }
  return v;
}

std::string alert_key(std::uint64_t fingerprint) { return std::string(kAlertPrefix) + hex16(fingerprint); }
std::string outbox_key(std::uint64_t sequence) { return std::string(kOutboxPrefix) + hex16(sequence); }

template <typename T>
void put(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

void put_string(std::string& out, const std::string& s) {
  put<std::uint32_t>(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  bool get(T& v) {
    if (bytes_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool get_string(std::string& s) {
    std::uint32_t n;
    if (!get(n) || bytes_.size() - pos_ < n) return false;
    s.assign(bytes_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace

std::string StateStore::encode(const rules::alerts::AlertInstance& a) {
  std::string out;
  put<std::uint8_t>(out, kAlertVersion);
  put<std::uint8_t>(out, static_cast<std::uint8_t>(a.state));
  put<double>(out, a.value);
  for (TimeNs t : {a.active_at_ns, a.fired_at_ns, a.last_true_ns, a.resolved_at_ns, a.last_sent_ns}) put<std::int64_t>(out, t);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(a.labels.size()));
  for (const auto& [k, v] : a.labels) {
    put_string(out, k);
    put_string(out, v);
  }
  return out;
}

std::optional<rules::alerts::AlertInstance> StateStore::decode(std::string_view bytes) {
  Reader r(bytes);
  rules::alerts::AlertInstance a;
  std::uint8_t version = 0, state = 0;
  if (!r.get(version) || version != kAlertVersion || !r.get(state) || state > 2 || !r.get(a.value)) return std::nullopt;
  a.state = static_cast<rules::alerts::AlertState>(state);
  for (TimeNs* t : {&a.active_at_ns, &a.fired_at_ns, &a.last_true_ns, &a.resolved_at_ns, &a.last_sent_ns}) {
    std::int64_t v;
    if (!r.get(v)) return std::nullopt;
    *t = v;
  }
  std::uint32_t n = 0;
  if (!r.get(n) || n > 1024) return std::nullopt;
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string k, v;
    if (!r.get_string(k) || !r.get_string(v)) return std::nullopt;
    a.labels.emplace_back(std::move(k), std::move(v));
  }
  if (!r.done() || !std::is_sorted(a.labels.begin(), a.labels.end())) return std::nullopt;
  a.fingerprint = rules::alerts::fingerprint(a.labels);
  return a;
}

StateStore::StateStore(rocksdb::DB* db) : db_(db) {}
StateStore::~StateStore() = default;

std::unique_ptr<StateStore> StateStore::open(const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  rocksdb::Options options;
  options.create_if_missing = true;
  // Small and steady: the state is a few thousand records, written a batch per alert transition.
  options.write_buffer_size = 4 << 20;
  options.max_write_buffer_number = 2;
  options.keep_log_file_num = 4;
  options.max_open_files = 64;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(4 << 20);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* db = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(options, dir + "/state.rocksdb", &db);
  if (!s.ok()) {
    if (error != nullptr) *error = "cannot open state database in " + dir + ": " + s.ToString();
    return nullptr;
  }
  std::unique_ptr<StateStore> store(new StateStore(db));
  // The outbox's next sequence number and depth.
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(slice(kOutboxPrefix)); it->Valid() && it->key().starts_with(slice(kOutboxPrefix)); it->Next()) {
    const auto seq = parse_hex16(std::string_view(it->key().data(), it->key().size()).substr(kOutboxPrefix.size()));
    if (seq) store->next_sequence_ = std::max(store->next_sequence_, *seq + 1);
    ++store->depth_;
  }
  return store;
}

std::vector<rules::alerts::AlertInstance> StateStore::load_alerts() {
  std::vector<rules::alerts::AlertInstance> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(slice(kAlertPrefix)); it->Valid() && it->key().starts_with(slice(kAlertPrefix)); it->Next()) {
    auto a = decode(std::string_view(it->value().data(), it->value().size()));
    if (!a) {
      ++corrupt_;
      continue;
    }
    out.push_back(std::move(*a));
  }
  return out;
}

bool StateStore::commit(const std::vector<rules::alerts::AlertInstance>& alerts,
                        const std::vector<std::string>& outbox, std::string* error) {
  if (alerts.empty() && outbox.empty()) return true;
  rocksdb::WriteBatch batch;
  for (const auto& a : alerts) {
    if (a.state == rules::alerts::AlertState::kInactive) {
      batch.Delete(alert_key(a.fingerprint));
    } else {
      batch.Put(alert_key(a.fingerprint), encode(a));
    }
  }
  std::uint64_t seq = next_sequence_;
  for (const std::string& payload : outbox) batch.Put(outbox_key(seq++), payload);
  const rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) {
    if (error != nullptr) *error = s.ToString();
    return false;
  }
  next_sequence_ = seq;
  depth_ += outbox.size();
  return true;
}

std::vector<OutboxEntry> StateStore::outbox(std::size_t limit, std::uint64_t after) const {
  std::vector<OutboxEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(outbox_key(after + 1)); it->Valid() && out.size() < limit && it->key().starts_with(slice(kOutboxPrefix));
       it->Next()) {
    const auto seq = parse_hex16(std::string_view(it->key().data(), it->key().size()).substr(kOutboxPrefix.size()));
    if (!seq) continue;
    out.push_back(OutboxEntry{*seq, it->value().ToString()});
  }
  return out;
}

bool StateStore::acknowledge(std::uint64_t sequence, std::string* error) {
  std::string value;
  if (!db_->Get(rocksdb::ReadOptions(), outbox_key(sequence), &value).ok()) return true;  // already gone
  const rocksdb::Status s = db_->Delete(rocksdb::WriteOptions(), outbox_key(sequence));
  if (!s.ok()) {
    if (error != nullptr) *error = s.ToString();
    return false;
  }
  if (depth_ > 0) --depth_;
  return true;
}

std::uint64_t StateStore::outbox_depth() const { return depth_; }

}  // namespace hashwatch::daemon
