#include "connectors/ercot/ercot_feed.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>

#include "connectors/common/feed_health.h"
#include "connectors/common/poll_feed.h"
#include "connectors/common/ws_client.h"
#include "connectors/ercot/ercot_parser.h"
#include "connectors/ercot/ercot_time.h"

namespace hashwatch::connectors::ercot {

namespace {

constexpr TimeNs kIntervalNs = 15 * kNsPerMinute;
constexpr TimeNs kTokenMarginNs = 5 * kNsPerMinute;  // refresh before the hour is up
constexpr const char* kClientId = "fec253ea-0d06-4272-a5e6-b478baeecd70";

std::string read_secret(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::string form_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

ErcotProtocol::ErcotProtocol(const FeedConfig& config, rules::SeriesRegistry& registry,
                             FeedStats& stats, rules::SourceId source)
    : config_(config),
      stats_(stats),
      source_(source),
      prices_("ercot", config_.symbols, kIntervalNs, registry, stats, source),
      central_(*rules::TimeZone::find("America/Chicago")),
      parser_(make_json_parser()),
      log_(config_.name) {}

ErcotProtocol::~ErcotProtocol() = default;

void ErcotProtocol::begin_cycle() {
  if (subscription_key_.empty()) subscription_key_ = read_secret(config_.api_key_file);
  if (password_.empty()) password_ = read_secret(config_.password_file);
  const TimeNs now = now_override_ns_.value_or(wall_clock_ns());
  const rules::LocalDateTime local = central_.to_local(now);
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02u-%02u", local.year, local.month, local.day);
  date_ = date;
  node_index_ = 0;
  page_ = 1;
  const bool need_token = !config_.username.empty() && (id_token_.empty() || now + kTokenMarginNs >= token_expires_ns_);
  step_ = need_token ? Step::kToken : Step::kPrices;
}

HttpRequestSpec ErcotProtocol::prices_request() const {
  HttpRequestSpec spec;
  spec.target = "/np6-905-cd/spp_node_zone_hub?deliveryDateFrom=" + date_ + "&deliveryDateTo=" + date_ +
                "&settlementPoint=" + prices_.nodes()[node_index_] + "&size=1000&page=" + std::to_string(page_);
  if (!subscription_key_.empty()) spec.headers.emplace_back("Ocp-Apim-Subscription-Key", subscription_key_);
  if (!id_token_.empty()) spec.headers.emplace_back("Authorization", "Bearer " + id_token_);
  return spec;
}

std::optional<HttpRequestSpec> ErcotProtocol::next_request() {
  switch (step_) {
    case Step::kToken: {
      HttpRequestSpec spec;
      spec.method = "POST";
      spec.target = config_.token_url;
      spec.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      spec.body = "grant_type=password&username=" + form_escape(config_.username) + "&password=" +
                  form_escape(password_) + "&response_type=id_token&scope=" +
                  form_escape(std::string("openid ") + kClientId + " offline_access") + "&client_id=" + kClientId;
      return spec;
    }
    case Step::kPrices:
      if (node_index_ >= prices_.nodes().size()) return std::nullopt;
      return prices_request();
    case Step::kDone:
      return std::nullopt;
  }
  return std::nullopt;
}

bool ErcotProtocol::on_response(unsigned status, std::string_view body, TimeNs recv_ns, EventSink& out) {
  if (step_ == Step::kToken) {
    Token token;
    std::string error;
    const ParseStatus st = parse_token(body, *parser_, token, error);
    if (!error.empty()) {
      password_.clear();  // read the password file again next time
      report_server_error(stats_, log_, "ERCOT sign-in failed: " + error, recv_ns);
      return false;
    }
    if (!http_ok(status, "POST token", body, stats_, log_, recv_ns)) return false;
    if (st != ParseStatus::kOk) {
      report_parse_error(stats_, log_, st, body, recv_ns);
      return false;
    }
    id_token_ = std::move(token.id_token);
    token_expires_ns_ = now_override_ns_.value_or(recv_ns) + token.expires_in_s * kNsPerSecond;
    step_ = Step::kPrices;
    return true;
  }
  if (status == 401) {
    id_token_.clear();  // sign in again next cycle
    subscription_key_.clear();
  }
  if (!http_ok(status, "GET " + prices_.nodes()[node_index_] + " prices", body, stats_, log_, recv_ns)) {
    return false;
  }
  return on_prices(body, recv_ns, out);
}

bool ErcotProtocol::on_prices(std::string_view body, TimeNs recv_ns, EventSink& out) {
  ReportPage page;
  if (auto st = parse_spp_report(body, *parser_, page); st != ParseStatus::kOk) {
    report_parse_error(stats_, log_, st, body, recv_ns);
    return false;
  }
  const std::string& node = prices_.nodes()[node_index_];
  for (const SppRow& row : page.rows) {
    if (row.point != node) continue;
    auto start = interval_start_utc(central_, row.year, row.month, row.day, row.hour_ending, row.interval,
                                    row.dst_flag);
    if (!start) {
      report_parse_error(stats_, log_, ParseStatus::kBadValue, "interval that does not exist: " + row.point, recv_ns);
      continue;
    }
    prices_.offer(node, *start, row.price_usd_per_mwh);
  }
  prices_.flush(recv_ns, out);
  if (page.current_page < page.total_pages) {
    ++page_;
  } else {
    ++node_index_;
    page_ = 1;
  }
  return true;
}

void apply_defaults(FeedConfig& config) {
  if (config.token_url.empty()) {
    config.token_url =
        "https://ercotb2c.b2clogin.com/ercotb2c.onmicrosoft.com/B2C_1_PUBAPI-ROPC-FLOW/oauth2/v2.0/token";
  }
  // NP6-905-CD is generated every 15 min; ERCOT asks for no more than 3 queries per interval.
  apply_poll_defaults(config, "https://api.ercot.com/api/public-reports", 5 * kNsPerMinute, 45 * kNsPerMinute);
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<PollFeed<ErcotProtocol>>(config, io, registry, sink);
}

}  // namespace hashwatch::connectors::ercot
