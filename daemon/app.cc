#include "daemon/app.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <mutex>
#include <semaphore>
#include <sstream>
#include <thread>

#include "connectors/common/registry.h"
#include "connectors/common/ws_client.h"
#include "daemon/alert_json.h"
#include "daemon/exposition.h"
#include "daemon/http_server.h"
#include "daemon/notify.h"
#include "daemon/spsc_ring.h"
#include "daemon/state_store.h"
#include "rules/engine.h"
#include "rules/rule_runtime.h"

namespace hashwatch::daemon {

namespace asio = boost::asio;
using connectors::wall_clock_ns;

void set_log_level(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
}

namespace {

constexpr std::size_t kRingCapacity = 1 << 16;
constexpr TimeNs kEngineTickNs = 100 * kNsPerMs;

}  // namespace

rules::EngineConfig engine_config(const Config& config, rules::SeriesRegistry& registry) {
  rules::EngineConfig ec;
  ec.price.min_sources = config.price.min_sources;
  ec.price.max_deviation_pct = config.price.max_deviation_pct;
  ec.btc_holdings = config.btc_holdings;
  for (const SiteConfig& site : config.sites) {
    auto totals = rules::fleet_totals(site.fleet, config.miners);
    if (!totals) continue;  // validated by the loader
    rules::SiteSpec spec;
    spec.name = site.name;
    spec.fleet = *totals;
    spec.params = rules::SiteParams{site.pool_fee_pct, site.opex_usd_per_mwh, site.power.resale, site.hosting,
                                    site.hysteresis_usd_per_mwh};
    spec.fixed_usd_per_mwh = site.power.fixed_usd_per_mwh;
    spec.adder_usd_per_mwh = site.power.adder_usd_per_mwh;
    const auto price_series = [&](const std::string& market, const std::string& node) {
      return registry.intern("power_price_usd_per_mwh", {{"market", market}, {"node", node}});
    };
    if (!site.power.tariff.empty()) {
      spec.power_series = price_series("tariff", site.power.tariff);
    } else if (!site.power.fixed_usd_per_mwh) {
      spec.power_series = price_series(site.power.market, site.power.node);
    }
    if (site.power.resale) spec.resale_series = price_series(site.power.market, site.power.node);
    ec.sites.push_back(std::move(spec));
  }
  return ec;
}

namespace {

std::string read_token(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

}  // namespace

static std::shared_ptr<const Snapshot> initial_snapshot() {
  auto s = std::make_shared<Snapshot>();
  s->model.btc_usd = rules::kNoSeries;
  return s;
}

struct App::Impl : connectors::EventSink {
  Impl(std::string path, Config cfg)
      : config_path(std::move(path)),
        config(std::make_shared<const Config>(std::move(cfg))),
        ring(kRingCapacity),
        engine(registry, engine_config(*config.load(), registry)),
        server(io, [this](const HttpRequest& r) { return handle(r); }) {}

  // --- shared ---
  std::string config_path;
  std::atomic<std::shared_ptr<const Config>> config;  // the configuration in force
  std::mutex reload_mu;  // one reload at a time (SIGHUP and POST /-/reload)
  rules::SeriesRegistry registry;
  DaemonStats stats;
  std::atomic<bool> stopping{false};

  // --- engine thread ---
  SpscRing<rules::Event> ring;
  std::counting_semaphore<> wake{0};
  std::atomic<bool> engine_sleeping{false};
  rules::Engine engine;
  std::mutex pending_mu;
  std::optional<rules::EngineConfig> pending_engine_config;
  std::optional<std::vector<rules::RuleDef>> pending_rules;
  std::unique_ptr<StateStore> store;
  std::unique_ptr<rules::RuleRuntime> rule_runtime;
  std::vector<rules::alerts::AlertInstance> unsaved_alerts;  // waiting for a successful commit
  std::vector<std::string> unsaved_outbox;
  std::uint64_t state_write_failures = 0;
  TimeNs last_tick_ns = 0;
  std::string base_url;
  std::atomic<bool> has_pending{false};
  std::atomic<std::shared_ptr<const Snapshot>> snapshot{initial_snapshot()};
  std::atomic<std::uint64_t> engine_heartbeat{0};
  std::thread engine_thread;

  // --- I/O thread ---
  asio::io_context io;
  HttpServer server;
  std::vector<std::unique_ptr<connectors::Feed>> feeds;
  std::vector<FeedView> feed_views;
  std::string auth_token;
  std::atomic<std::uint64_t> io_heartbeat{0};
  asio::steady_timer io_beat{io};
  std::thread io_thread;

  void io_tick() {
    io_heartbeat.fetch_add(1, std::memory_order_relaxed);
    io_beat.expires_after(std::chrono::milliseconds(200));
    io_beat.async_wait([this](boost::system::error_code ec) {
      if (!ec && !stopping.load()) io_tick();
    });
  }

  // EventSink, called by connectors on the I/O thread.
  bool push(const rules::Event& event) override {
    if (!ring.push(event)) {
      stats.queue_full.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (engine_sleeping.load(std::memory_order_seq_cst)) wake.release();
    return true;
  }

  // Alert state changes and the notifications they cause go to RocksDB in one batch. A failed
  // write keeps them in memory and is retried on the next turn of the loop: nothing is dropped.
  void persist_alerts() {
    for (auto& t : rule_runtime->take_transitions()) {
      spdlog::info("alert {} {} {}", t.kind == rules::alerts::Notification::Kind::kFiring ? "firing" : "resolved",
                   rules::alerts::fingerprint_hex(t.alert.fingerprint), rules::SeriesRegistry::canonical_key("", t.alert.labels));
      unsaved_outbox.push_back(alert_payload(t, base_url));
    }
    for (auto& a : rule_runtime->take_dirty()) unsaved_alerts.push_back(std::move(a));
    if (unsaved_alerts.empty() && unsaved_outbox.empty()) return;
    std::string error;
    if (!store->commit(unsaved_alerts, unsaved_outbox, &error)) {
      if (state_write_failures++ % 100 == 0) spdlog::error("state: write failed, will retry: {}", error);
      return;
    }
    unsaved_alerts.clear();
    unsaved_outbox.clear();
  }

  void run_rules(bool tick) {
    rule_runtime->update(engine, tick);
    persist_alerts();
  }

  void apply_rules(std::vector<rules::RuleDef> defs, TimeNs now, TimeNs grace_ns,
                   std::vector<rules::alerts::AlertInstance> state) {
    rule_runtime = std::make_unique<rules::RuleRuntime>(std::move(defs), registry);
    auto unclaimed = rule_runtime->restore(state, now, grace_ns);
    for (auto& a : unclaimed) {
      // Its rule is gone: a firing alert is resolved (receivers must not keep it open for ever),
      // a pending one is dropped.
      spdlog::info("alerts: {} {} (its rule is gone)", a.state == rules::alerts::AlertState::kFiring ? "resolving" : "dropping",
                   rules::SeriesRegistry::canonical_key("", a.labels));
      if (a.state == rules::alerts::AlertState::kFiring) {
        a.resolved_at_ns = now;
        a.last_sent_ns = now;
        unsaved_outbox.push_back(alert_payload(
            rules::AlertTransition{rules::alerts::Notification::Kind::kResolved, a, {}}, base_url));
      }
      a.state = rules::alerts::AlertState::kInactive;  // delete
      unsaved_alerts.push_back(std::move(a));
    }
  }

  void publish_snapshot() {
    auto s = std::make_shared<Snapshot>();
    s->engine_time_ns = engine.now();
    s->published_at_ns = wall_clock_ns();
    s->states.assign(engine.states().begin(), engine.states().end());
    s->counters = engine.counters();
    s->price_aggregate = engine.price_aggregate();
    s->model = engine.model();
    for (const auto& r : rule_runtime->rules()) {
      if (r.kind == rules::RuleDef::Kind::kAlert &&
          std::find(s->alert_rules.begin(), s->alert_rules.end(), r.name) == s->alert_rules.end()) {
        s->alert_rules.push_back(r.name);
      }
    }
    s->rule_count = rule_runtime->rules().size();
    s->alerts = rule_runtime->alerts();
    s->rule_counters = rule_runtime->counters();
    s->outbox_depth = store->outbox_depth();
    s->state_write_failures = state_write_failures;
    snapshot.store(std::shared_ptr<const Snapshot>(std::move(s)));
  }

  void engine_loop() {
    TimeNs last_publish = 0;
    rules::Event event;
    for (;;) {
      bool any = false;
      // A bounded batch: heartbeats, snapshots and reloads still happen under sustained input.
      for (std::size_t n = 0; n < kRingCapacity && ring.pop(event); ++n) {
        engine.apply(event);
        // Rules run per event, on what it changed: a brief excursion is seen, not averaged away.
        rule_runtime->update(engine, false);
        stats.event_to_decision.observe_ns(wall_clock_ns() - event.recv_time_ns);
        any = true;
      }
      if (has_pending.load(std::memory_order_acquire)) {
        std::lock_guard lock(pending_mu);
        if (pending_engine_config) engine.set_config(*pending_engine_config);
        if (pending_rules) {
          // What the old rules produced in this batch is saved first; then the running alerts,
          // the window history and the recorded series carry over to the new rules (no grace:
          // their inputs are all here).
          persist_alerts();
          auto previous = std::move(rule_runtime);
          apply_rules(std::move(*pending_rules), engine.now(), 0, previous->export_state());
          rule_runtime->adopt(*previous);
        }
        pending_engine_config.reset();
        pending_rules.reset();
        has_pending.store(false, std::memory_order_release);
        any = true;
      }
      const TimeNs now = wall_clock_ns();
      engine.advance(now);
      // Time-driven rules (age, windows, offset) and alert timers: every tick, and at each deadline.
      const auto deadline = rule_runtime->next_deadline();
      // (A wall clock stepped back also ticks, rather than waiting for it to catch up.)
      const bool tick = now < last_tick_ns || now - last_tick_ns >= kEngineTickNs || (deadline && *deadline <= now);
      if (tick) last_tick_ns = now;
      run_rules(tick);
      engine_heartbeat.fetch_add(1, std::memory_order_relaxed);
      if (any || now - last_publish >= kNsPerSecond) {
        publish_snapshot();
        last_publish = now;
      }
      if (stopping.load(std::memory_order_acquire) && ring.empty()) break;
      if (any) continue;
      engine_sleeping.store(true, std::memory_order_seq_cst);
      if (ring.empty() && !stopping.load() && !has_pending.load()) {
        TimeNs wait = kEngineTickNs;
        if (const auto d = rule_runtime->next_deadline()) wait = std::clamp<TimeNs>(*d - wall_clock_ns(), 0, wait);
        (void)wake.try_acquire_for(std::chrono::nanoseconds(wait));
      }
      engine_sleeping.store(false, std::memory_order_seq_cst);
    }
    // A clean stop saves every alert as it stands now (a condition that holds has held until
    // now), so keep_firing_for after the restart counts from here.
    for (auto& a : rule_runtime->export_state()) unsaved_alerts.push_back(std::move(a));
    persist_alerts();
    publish_snapshot();
  }

  // --- feeds (I/O thread) ---
  void rebuild_feed_views() {
    std::vector<FeedView> views;
    for (auto& f : feeds) {
      views.push_back(FeedView{f->config().name, f->config().kind, f->config().required, &f->stats()});
    }
    feed_views = std::move(views);
  }

  void apply_feeds(const std::vector<connectors::FeedConfig>& wanted) {
    std::vector<std::unique_ptr<connectors::Feed>> next;
    for (const auto& fc : wanted) {
      auto it = std::find_if(feeds.begin(), feeds.end(),
                             [&](const auto& f) { return f && f->config() == fc; });
      if (it != feeds.end()) {
        next.push_back(std::move(*it));  // unchanged: keeps its connection
        continue;
      }
      const auto* kind = connectors::find_connector_kind(fc.kind);
      auto feed = kind->make(fc, io, registry, *this);
      feed->start();
      spdlog::info("feed {}: started ({} {})", fc.name, fc.kind, fc.url);
      next.push_back(std::move(feed));
    }
    for (auto& old : feeds) {
      if (!old) continue;
      old->stop();
      // Its series must not look fresh once nobody updates them.
      push(rules::feed_event(registry.intern_source(old->config().name), false, wall_clock_ns()));
      spdlog::info("feed {}: stopped", old->config().name);
    }
    feeds = std::move(next);
    rebuild_feed_views();
  }

  void stop_feeds() {
    for (auto& f : feeds) f->stop();
  }

  // --- HTTP (I/O thread) ---
  bool ready(std::string& why) const {
    bool price_feeds = false;
    for (const FeedView& f : feed_views) {
      if (f.required && !f.stats->up.load()) why += "feed " + f.name + " is not fresh\n";
      const auto* kind = connectors::find_connector_kind(f.kind);
      price_feeds |= kind != nullptr && kind->price_source;
    }
    // With exchanges configured, the aggregate price must exist (enough fresh, agreeing sources).
    const auto snap = snapshot.load();
    const auto id = snap->model.btc_usd;
    const bool has_price = id < snap->states.size() && snap->states[id].has_value &&
                           !snap->states[id].stale;
    if (price_feeds && !has_price) {
      why += "btc_usd aggregate unavailable: " + std::to_string(snap->price_aggregate.used) +
             " usable sources, price.min_sources is " +
             std::to_string(config.load()->price.min_sources) + "\n";
    }
    return why.empty();
  }

  HttpResponse handle(const HttpRequest& req) {
    const std::string path = req.target.substr(0, req.target.find('?'));
    if (req.method == "GET") {
      if (path == "/metrics") {
        return {200, "text/plain; version=0.0.4; charset=utf-8",
                render_metrics(*snapshot.load(), registry, feed_views, stats)};
      }
      if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
      if (path == "/readyz") {
        std::string why;
        if (ready(why)) return {200, "text/plain; charset=utf-8", "ready\n"};
        return {503, "text/plain; charset=utf-8", why};
      }
      if (path == "/api/v1/alerts") {
        std::string_view fp;
        if (const auto q = req.target.find("fingerprint="); q != std::string::npos) {
          fp = std::string_view(req.target).substr(q + 12);
          fp = fp.substr(0, fp.find('&'));
        }
        return {200, "application/json", render_alerts_json(snapshot.load()->alerts, base_url, fp)};
      }
      if (path == "/api/v1/snapshot") {
        return {200, "application/json",
                render_snapshot_json(*snapshot.load(), registry, feed_views)};
      }
      if (path == "/") {
        return {200, "text/plain; charset=utf-8",
                "hashwatch " HASHWATCH_VERSION "\n\n/metrics\n/healthz\n/readyz\n/api/v1/snapshot\n/api/v1/alerts\n"
                "POST /-/reload\n"};
      }
      return {404, "text/plain; charset=utf-8", "not found\n"};
    }
    if (req.method == "POST" && path == "/-/reload") {
      if (!auth_token.empty() && req.authorization != "Bearer " + auth_token) {
        return {401, "text/plain; charset=utf-8", "unauthorized\n"};
      }
      // Parsing runs here on the I/O thread (it is quick); applying feeds is posted behind it.
      const std::string message = reload();
      const bool ok = message.empty();
      return {ok ? 200u : 400u, "text/plain; charset=utf-8", ok ? "reloaded\n" : message};
    }
    return {405, "text/plain; charset=utf-8", "method not allowed\n"};
  }

  // --- reload (main thread or a helper thread) ---
  // Returns an empty string on success, else the errors.
  std::string reload() {
    std::lock_guard reload_lock(reload_mu);
    notify_reloading();
    ConfigResult result = load_config_file(config_path);
    if (!result.ok()) {
      std::string message;
      for (const auto& e : result.errors) {
        spdlog::error("reload: {}", e.to_string());
        message += e.to_string() + "\n";
      }
      spdlog::error("reload: configuration rejected; the running configuration stays in force");
      stats.last_reload_ok.store(false);
      notify_ready();
      return message;
    }
    auto next = std::make_shared<const Config>(std::move(*result.config));
    const auto current = config.load();
    if (next->server.listen_host != current->server.listen_host ||
        next->server.listen_port != current->server.listen_port) {
      spdlog::warn("reload: server.listen changes take effect at the next restart");
    }
    set_log_level(next->log.level);
    {
      std::lock_guard lock(pending_mu);
      pending_engine_config = engine_config(*next, registry);
      pending_rules = next->rules;
      has_pending.store(true, std::memory_order_release);
    }
    if (engine_sleeping.load()) wake.release();
    config.store(next);
    asio::post(io, [this, next]() {
      auth_token = read_token(next->server.auth_token_file);
      apply_feeds(next->feeds);
    });
    stats.last_reload_ok.store(true);
    stats.last_reload_success_ns.store(wall_clock_ns());
    stats.reloads.fetch_add(1);
    spdlog::info("reload: configuration {} applied", config_path);
    notify_ready();
    return {};
  }

  void send_status() {
    std::size_t up = 0;
    // feed_views is owned by the I/O thread: count there.
    std::promise<std::size_t> counted;
    auto f = counted.get_future();
    asio::post(io, [&]() {
      std::size_t n = 0;
      for (const auto& v : feed_views) n += v.stats->up.load() ? 1 : 0;
      counted.set_value(n);
    });
    up = f.get();
    notify_status(std::to_string(up) + " feeds up");
  }

  int run() {
    const auto initial = config.load();
    auth_token = read_token(initial->server.auth_token_file);
    std::string error;
    if (!server.listen(initial->server.listen_host, initial->server.listen_port, &error)) {
      spdlog::critical("http: cannot listen on {}:{}: {}", initial->server.listen_host,
                       initial->server.listen_port, error);
      return 1;
    }
    spdlog::info("http: listening on http://{}:{}", initial->server.listen_host, server.port());
    base_url = "http://" + initial->server.listen_host + ":" + std::to_string(server.port());
    stats.last_reload_success_ns.store(wall_clock_ns());

    // State: alert timers continue where the last run left them.
    store = StateStore::open(initial->state.dir, &error);
    if (!store) {
      spdlog::critical("state: {}", error);
      return 1;
    }
    auto saved = store->load_alerts();
    if (store->corrupt_records() > 0) {
      spdlog::warn("state: skipped {} unreadable alert records", store->corrupt_records());
    }
    engine.advance(wall_clock_ns());
    apply_rules(initial->rules, engine.now(), initial->rules_restore_grace_ns, std::move(saved));
    spdlog::info("rules: {} loaded; {} alerts restored, {} notifications waiting in the outbox",
                 initial->rules.size(), rule_runtime->export_state().size(), store->outbox_depth());
    publish_snapshot();

    engine_thread = std::thread([this] { engine_loop(); });
    auto work = asio::make_work_guard(io);
    asio::post(io, [this, initial] { apply_feeds(initial->feeds); });
    // A heartbeat timer proves to the watchdog that the I/O loop turns.
    io_tick();
    io_thread = std::thread([this] { io.run(); });

    asio::io_context main_io;
    asio::signal_set signals(main_io, SIGTERM, SIGINT, SIGHUP);
    std::function<void()> wait_signal = [&]() {
      signals.async_wait([&](boost::system::error_code ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
          spdlog::info("SIGHUP: reloading {}", config_path);
          reload();
          wait_signal();
          return;
        }
        spdlog::info("{}: shutting down", signo == SIGTERM ? "SIGTERM" : "SIGINT");
        main_io.stop();
      });
    };
    wait_signal();

    asio::steady_timer watchdog(main_io);
    const std::uint64_t watchdog_us = watchdog_interval_us();
    std::uint64_t last_io = 0, last_engine = 0;
    std::function<void()> watchdog_tick = [&]() {
      watchdog.expires_after(std::chrono::microseconds(watchdog_us / 2));
      watchdog.async_wait([&](boost::system::error_code ec) {
        if (ec) return;
        const std::uint64_t io_now = io_heartbeat.load(), engine_now = engine_heartbeat.load();
        // Only a loop that moved since the last check earns the ping.
        if (io_now != last_io && engine_now != last_engine) {
          notify_watchdog();
        } else {
          spdlog::error("watchdog: {} loop stalled; not pinging systemd",
                        io_now == last_io ? "I/O" : "engine");
        }
        last_io = io_now;
        last_engine = engine_now;
        watchdog_tick();
      });
    };
    if (watchdog_us > 0) {
      spdlog::info("watchdog: enabled, interval {} ms", watchdog_us / 1000);
      watchdog_tick();
    }

    notify_ready();
    send_status();
    main_io.run();

    // Stop in pipeline order: connectors, then the engine drains, then I/O.
    notify_stopping();
    std::promise<void> stopped;
    asio::post(io, [&]() {
      stop_feeds();
      server.stop();
      io_beat.cancel();
      stopped.set_value();
    });
    stopped.get_future().wait();
    stopping.store(true, std::memory_order_release);
    wake.release();
    engine_thread.join();
    work.reset();
    io.stop();
    io_thread.join();
    asio::post(io, [this] { feeds.clear(); });
    io.restart();
    io.poll();
    spdlog::info("stopped");
    return 0;
  }
};

App::App(std::string config_path, Config config)
    : impl_(std::make_unique<Impl>(std::move(config_path), std::move(config))) {}

App::~App() = default;

int App::run() { return impl_->run(); }

}  // namespace hashwatch::daemon
