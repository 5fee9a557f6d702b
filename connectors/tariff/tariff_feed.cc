#include "connectors/tariff/tariff_feed.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "connectors/common/feed_health.h"
#include "connectors/common/ws_client.h"
#include "rules/model/tariff.h"

namespace hashwatch::connectors::tariff {

namespace {

constexpr TimeNs kRefreshNs = kNsPerMinute;

class TariffFeed final : public Feed {
 public:
  TariffFeed(const FeedConfig& config, boost::asio::io_context& io, rules::SeriesRegistry& registry,
             EventSink& sink)
      : config_(config),
        series_(registry.intern("power_price_usd_per_mwh", {{"market", "tariff"}, {"node", config.name}})),
        source_(registry.intern_source(config.name)),
        sink_(sink),
        timer_(io),
        health_(config.name, source_, sink, stats_) {}

  ~TariffFeed() override { stop(); }

  void start() override {
    stopped_ = false;
    emit_and_schedule();
  }
  void stop() override {
    stopped_ = true;
    health_.stop();
    timer_.cancel();
  }
  const FeedConfig& config() const override { return config_; }
  FeedStats& stats() override { return stats_; }

 private:
  void emit_and_schedule() {
    if (stopped_ || !config_.tariff) return;
    const TimeNs now = wall_clock_ns();
    health_.set_up(true, now);
    const double price = rules::tariff_price_usd_per_mwh(*config_.tariff, now);
    push_or_count(sink_, rules::value_event(series_, source_, price, now, now), stats_);
    stats_.messages.fetch_add(1, std::memory_order_relaxed);
    stats_.last_event_ns.store(now, std::memory_order_relaxed);
    TimeNs next = now + kRefreshNs;
    if (auto boundary = rules::next_tariff_boundary(*config_.tariff, now)) next = std::min(next, *boundary);
    // The wall clock decides the boundary; the timer only waits (re-checked on wake-up).
    timer_.expires_after(std::chrono::nanoseconds(std::max<TimeNs>(next - now, kNsPerMs)));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) emit_and_schedule();
    });
  }

  FeedConfig config_;
  FeedStats stats_;
  rules::SeriesId series_;
  rules::SourceId source_;
  EventSink& sink_;
  boost::asio::steady_timer timer_;
  FeedHealth health_;
  bool stopped_ = false;
};

}  // namespace

void apply_defaults(FeedConfig& config) {
  if (config.stale_after_ns == 0) config.stale_after_ns = 3 * kRefreshNs;
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<TariffFeed>(config, io, registry, sink);
}

}  // namespace hashwatch::connectors::tariff
