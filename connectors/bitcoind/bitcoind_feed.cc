#include "connectors/bitcoind/bitcoind_feed.h"

#include <spdlog/spdlog.h>

#include <fstream>

#include "connectors/bitcoind/bitcoind_parser.h"
#include "connectors/common/feed_health.h"
#include "connectors/common/poll_feed.h"
#include "rules/hashprice.h"

namespace hashwatch::connectors::bitcoind {

namespace {

constexpr std::int64_t kRpcInWarmup = -28;

std::optional<std::string> read_first_line(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const std::uint32_t v = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8) | std::uint8_t(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const std::uint32_t v = std::uint8_t(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const std::uint32_t v = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

BitcoindProtocol::BitcoindProtocol(const FeedConfig& config, rules::SeriesRegistry& registry,
                                   FeedStats& stats, rules::SourceId source)
    : config_(config),
      stats_(stats),
      source_(source),
      series_(registry),
      parser_(make_json_parser()),
      log_(config_.name),
      window_(config_.fee_window_blocks) {}

BitcoindProtocol::~BitcoindProtocol() = default;

bool BitcoindProtocol::load_credentials() {
  std::optional<std::string> credentials;
  if (!config_.cookie_file.empty()) {
    credentials = read_first_line(config_.cookie_file);  // "__cookie__:<hex>", used as user:password
  } else if (!config_.rpc_user.empty()) {
    if (auto password = read_first_line(config_.rpc_password_file)) {
      credentials = config_.rpc_user + ":" + *password;
    }
  } else {
    authorization_.clear();
    return true;  // no auth configured
  }
  if (!credentials) {
    report_server_error(stats_, log_, "cannot read RPC credentials file", 0);
    return false;
  }
  authorization_ = "Basic " + base64(*credentials);
  return true;
}

void BitcoindProtocol::begin_cycle() {
  step_ = Step::kChainInfo;
  stats_this_cycle_ = 0;
  if (authorization_.empty() && (!config_.cookie_file.empty() || !config_.rpc_user.empty())) {
    load_credentials();
  }
}

HttpRequestSpec BitcoindProtocol::rpc(std::string_view method, std::string params) {
  HttpRequestSpec spec;
  spec.method = "POST";
  spec.target = "/";
  spec.body = R"({"jsonrpc":"1.0","id":"hw-)" + std::to_string(++request_id_) + R"(","method":")" +
              std::string(method) + R"(","params":)" + params + "}";
  if (!authorization_.empty()) spec.headers.emplace_back("Authorization", authorization_);
  return spec;
}

std::optional<HttpRequestSpec> BitcoindProtocol::next_request() {
  switch (step_) {
    case Step::kChainInfo:
      return rpc("getblockchaininfo", "[]");
    case Step::kMiningInfo:
      return rpc("getmininginfo", "[]");
    case Step::kBlockStats: {
      const auto missing = window_.first_missing();
      // At most one window's worth per cycle, so a restart backfills in one poll.
      if (!missing || stats_this_cycle_ >= window_.blocks()) return std::nullopt;
      requested_height_ = *missing;
      ++stats_this_cycle_;
      return rpc("getblockstats", "[" + std::to_string(*missing) + R"(,["height","totalfee"]])");
    }
    case Step::kDone:
      return std::nullopt;
  }
  return std::nullopt;
}

void BitcoindProtocol::emit(EventSink& out, rules::SeriesId series, double value, TimeNs recv_ns) {
  push_or_count(out, rules::value_event(series, source_, value, recv_ns, recv_ns), stats_);
}

bool BitcoindProtocol::on_response(unsigned status, std::string_view body, TimeNs recv_ns,
                                   EventSink& out) {
  if (status == 401 || status == 403) {
    // The cookie is rewritten at every node start: read it again next cycle.
    authorization_.clear();
    report_server_error(stats_, log_, "RPC authentication failed (HTTP " + std::to_string(status) + ")",
                        recv_ns);
    return false;
  }
  // Legacy JSON-RPC errors come with HTTP 500 (404 for unknown methods): the body says which.
  RpcError error;
  ParseStatus st = ParseStatus::kOk;
  switch (step_) {
    case Step::kChainInfo: {
      ChainInfo info;
      st = parse_chain_info(body, *parser_, info, error);
      if (st != ParseStatus::kOk || error.present) break;
      if (info.initial_block_download || info.blocks < info.headers) {
        report_server_error(stats_, log_,
                            "node is syncing (" + std::to_string(info.blocks) + "/" +
                                std::to_string(info.headers) + " blocks)",
                            recv_ns);
        return false;
      }
      emit(out, series_.block_height, static_cast<double>(info.blocks), recv_ns);
      emit(out, series_.difficulty, info.difficulty, recv_ns);
      window_.set_tip(info.blocks);
      step_ = Step::kMiningInfo;
      return true;
    }
    case Step::kMiningInfo: {
      MiningInfo info;
      st = parse_mining_info(body, *parser_, info, error);
      if (st != ParseStatus::kOk || error.present) break;
      if (info.network_hashps > 0) emit(out, series_.network_hashrate, info.network_hashps, recv_ns);
      step_ = Step::kBlockStats;
      return true;
    }
    case Step::kBlockStats: {
      BlockStats stats;
      st = parse_block_stats(body, *parser_, stats, error);
      if (st != ParseStatus::kOk || error.present) break;
      if (stats.height != requested_height_) {
        st = ParseStatus::kBadValue;
        break;
      }
      window_.add(stats.height, stats.total_fee_sats);
      if (stats.height == window_.tip()) {
        emit(out, series_.block_fees,
             static_cast<double>(stats.total_fee_sats) / static_cast<double>(rules::kSatsPerBtc),
             recv_ns);
      }
      if (auto mean = window_.mean_fees_sats(); mean && mean != last_mean_) {
        last_mean_ = mean;
        emit(out, series_.fees_per_block, *mean / static_cast<double>(rules::kSatsPerBtc), recv_ns);
      }
      return true;
    }
    case Step::kDone:
      return true;
  }
  if (error.present) {
    report_server_error(stats_, log_,
                        (error.code == kRpcInWarmup ? "node warming up: " : "RPC error " + std::to_string(error.code) + ": ") +
                            std::string(error.message),
                        recv_ns);
    return false;
  }
  if (!http_ok(status, "RPC", body, stats_, log_, recv_ns)) return false;
  report_parse_error(stats_, log_, st, body, recv_ns);
  return false;
}

void apply_defaults(FeedConfig& config) {
  apply_poll_defaults(config, "http://127.0.0.1:8332", 10 * kNsPerSecond);
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<PollFeed<BitcoindProtocol>>(config, io, registry, sink);
}

}  // namespace hashwatch::connectors::bitcoind
