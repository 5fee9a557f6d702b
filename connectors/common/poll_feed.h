// The Feed every HTTP polling connector is: its config, health counters, protocol and an HttpPoller.
#pragma once

#include <memory>
#include <string_view>

#include "connectors/common/http_poller.h"
#include "connectors/common/registry.h"

namespace hashwatch::connectors {

// Defaults every polling feed shares: its public endpoint and poll interval when the config names
// none, and, unless given, stale after `stale_after_ns` (0: three missed polls).
inline void apply_poll_defaults(FeedConfig& config, std::string_view url, TimeNs poll_interval_ns,
                                TimeNs stale_after_ns = 0) {
  if (config.url.empty()) config.url = url;
  if (config.poll_interval_ns == 0) config.poll_interval_ns = poll_interval_ns;
  if (config.stale_after_ns == 0) config.stale_after_ns = stale_after_ns != 0 ? stale_after_ns : 3 * config.poll_interval_ns;
}

template <class Protocol>
class PollFeed final : public Feed {
 public:
  PollFeed(const FeedConfig& config, boost::asio::io_context& io, rules::SeriesRegistry& registry,
           EventSink& sink)
      : config_(config),
        protocol_(config_, registry, stats_, registry.intern_source(config_.name)),
        poller_(io,
                HttpPollerOptions{.feed_name = config_.name,
                                  .base_url = config_.url,
                                  .source = registry.intern_source(config_.name),
                                  .poll_interval_ns = config_.poll_interval_ns,
                                  .stale_after_ns = config_.stale_after_ns,
                                  .backoff = {config_.backoff_base_ns, config_.backoff_cap_ns}},
                protocol_, sink, stats_) {}

  void start() override { poller_.start(); }
  void stop() override { poller_.stop(); }
  const FeedConfig& config() const override { return config_; }
  FeedStats& stats() override { return stats_; }

 private:
  FeedConfig config_;
  FeedStats stats_;
  Protocol protocol_;
  HttpPoller poller_;
};

}  // namespace hashwatch::connectors
