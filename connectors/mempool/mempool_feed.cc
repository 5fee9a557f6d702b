#include "connectors/mempool/mempool_feed.h"


#include "connectors/common/feed_health.h"
#include "connectors/common/poll_feed.h"
#include "connectors/mempool/mempool_parser.h"

namespace hashwatch::connectors::mempool {

MempoolProtocol::MempoolProtocol(const FeedConfig& config, rules::SeriesRegistry& registry,
                                 FeedStats& stats, rules::SourceId source)
    : config_(config),
      stats_(stats),
      source_(source),
      series_(registry),
      parser_(make_json_parser()),
      log_(config_.name),
      targets_(targets()) {}

MempoolProtocol::~MempoolProtocol() = default;

std::optional<HttpRequestSpec> MempoolProtocol::next_request() {
  if (next_ >= targets_.size()) return std::nullopt;
  HttpRequestSpec spec;
  spec.target = targets_[next_++];
  return spec;
}

bool MempoolProtocol::on_response(unsigned status, std::string_view body, TimeNs recv_ns,
                                  EventSink& out) {
  const std::size_t index = next_ - 1;
  if (!http_ok(status, "GET " + targets_[index], body, stats_, log_, recv_ns)) return false;
  return on_target_response(index, body, recv_ns, out);
}

std::vector<std::string> MempoolProtocol::targets() const {
  return {"/api/blocks/tip/height", "/api/v1/mining/hashrate/3d",
          "/api/v1/mining/reward-stats/" + std::to_string(config_.fee_window_blocks),
          "/api/v1/difficulty-adjustment"};
}

bool MempoolProtocol::emit(EventSink& out, rules::SeriesId series, double value, TimeNs recv_ns) {
  // REST responses carry no timestamp of their own: the receive time is the source time.
  push_or_count(out, rules::value_event(series, source_, value, recv_ns, recv_ns), stats_);
  return true;
}

bool MempoolProtocol::fail(int status, std::string_view what, std::string_view body,
                           TimeNs recv_ns) {
  const auto st = static_cast<ParseStatus>(status);
  const ErrorKind kind = to_error_kind(st);
  stats_.count_error(kind);
  log_.report(kind,
              std::string(what) + ": " + std::string(parse_status_name(st)) + ": " +
                  std::string(body.substr(0, 120)),
              recv_ns);
  return false;
}

bool MempoolProtocol::on_target_response(std::size_t target_index, std::string_view body,
                                         TimeNs recv_ns, EventSink& out) {
  switch (target_index) {
    case kTipHeight: {
      std::int64_t height = 0;
      if (auto st = parse_tip_height(body, height); st != ParseStatus::kOk) {
        return fail(static_cast<int>(st), "tip height", body, recv_ns);
      }
      return emit(out, series_.block_height, static_cast<double>(height), recv_ns);
    }
    case kHashrate: {
      HashrateInfo info;
      if (auto st = parse_hashrate(body, *parser_, info); st != ParseStatus::kOk) {
        return fail(static_cast<int>(st), "mining/hashrate", body, recv_ns);
      }
      emit(out, series_.difficulty, info.current_difficulty, recv_ns);
      if (info.current_hashrate_hs) emit(out, series_.network_hashrate, *info.current_hashrate_hs, recv_ns);
      return true;
    }
    case kRewardStats: {
      RewardStats stats;
      if (auto st = parse_reward_stats(body, *parser_, stats); st != ParseStatus::kOk) {
        return fail(static_cast<int>(st), "mining/reward-stats", body, recv_ns);
      }
      return emit(out, series_.fees_per_block, stats.fees_per_block_btc(), recv_ns);
    }
    case kDifficultyAdjustment: {
      double change_pct = 0;
      if (auto st = parse_difficulty_adjustment(body, *parser_, change_pct); st != ParseStatus::kOk) {
        return fail(static_cast<int>(st), "difficulty-adjustment", body, recv_ns);
      }
      return emit(out, series_.retarget_change, change_pct, recv_ns);
    }
    default:
      return false;
  }
}

void apply_defaults(FeedConfig& config) {
  apply_poll_defaults(config, "https://mempool.space", 60 * kNsPerSecond);
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<PollFeed<MempoolProtocol>>(config, io, registry, sink);
}

}  // namespace hashwatch::connectors::mempool
