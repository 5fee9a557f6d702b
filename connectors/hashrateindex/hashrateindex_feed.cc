#include "connectors/hashrateindex/hashrateindex_feed.h"

#include <fstream>

#include "connectors/common/feed_health.h"
#include "connectors/common/json_fields.h"
#include "connectors/common/poll_feed.h"

namespace hashwatch::connectors::hashrateindex {

ParseStatus parse_hashprice(std::string_view body, JsonParser& parser, IndexPoint& out) {
  out = IndexPoint{};
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  simdjson::ondemand::value data;
  if (auto ec = doc["data"].get(data)) return json::field_error(ec);
  simdjson::ondemand::json_type type;
  if (auto ec = data.type().get(type)) return json::field_error(ec);
  if (type == simdjson::ondemand::json_type::object) {  // /hashprice/current
    simdjson::ondemand::object o;
    if (auto ec = data.get_object().get(o)) return json::field_error(ec);
    if (auto st = json::get_double(o, "priceUSD", out.price_usd_per_ph_day); st != ParseStatus::kOk) return st;
    return json::get_rfc3339(o, "timestamp", out.time_ns);
  }
  simdjson::ondemand::array points;
  if (auto ec = data.get_array().get(points)) return json::field_error(ec);
  bool any = false;
  for (auto element : points) {
    simdjson::ondemand::object o;
    if (auto ec = element.get_object().get(o)) return json::field_error(ec);
    IndexPoint p;
    if (auto st = json::get_rfc3339(o, "timestamp", p.time_ns); st != ParseStatus::kOk) return st;
    if (auto st = json::get_double(o, "price", p.price_usd_per_ph_day); st != ParseStatus::kOk) return st;
    if (!any || p.time_ns > out.time_ns) out = p;
    any = true;
  }
  return any ? ParseStatus::kOk : ParseStatus::kMissingField;
}

HashrateIndexProtocol::HashrateIndexProtocol(const FeedConfig& config,
                                             rules::SeriesRegistry& registry, FeedStats& stats,
                                             rules::SourceId source)
    : config_(config),
      stats_(stats),
      source_(source),
      series_(registry.intern("hashprice_index_usd_per_ph_day", {{"source", config.name}})),
      parser_(make_json_parser()),
      log_(config_.name) {}

HashrateIndexProtocol::~HashrateIndexProtocol() = default;

void HashrateIndexProtocol::begin_cycle() {
  asked_ = false;
  if (api_key_.empty() && !config_.api_key_file.empty()) {
    std::ifstream in(config_.api_key_file);
    std::getline(in, api_key_);
    while (!api_key_.empty() && (api_key_.back() == '\r' || api_key_.back() == ' ')) api_key_.pop_back();
  }
}

std::optional<HttpRequestSpec> HashrateIndexProtocol::next_request() {
  if (asked_) return std::nullopt;
  asked_ = true;
  HttpRequestSpec spec;
  spec.target = "/hashprice?span=1D&bucket=15m&currency=USD&hashunit=PHS";
  if (!api_key_.empty()) spec.headers.emplace_back("X-Hi-Api-Key", api_key_);
  return spec;
}

bool HashrateIndexProtocol::on_response(unsigned status, std::string_view body, TimeNs recv_ns,
                                        EventSink& out) {
  if (status == 401 || status == 403) api_key_.clear();  // re-read the key file next cycle
  if (!http_ok(status, "GET hashprice", body, stats_, log_, recv_ns)) return false;
  IndexPoint p;
  if (auto st = parse_hashprice(body, *parser_, p); st != ParseStatus::kOk) {
    report_parse_error(stats_, log_, st, body, recv_ns);
    return false;
  }
  push_or_count(out, rules::value_event(series_, source_, p.price_usd_per_ph_day, p.time_ns, recv_ns), stats_);
  return true;
}

void apply_defaults(FeedConfig& config) {
  // Published about every 5 minutes; the /hashprice bucket refills one request per 15 s.
  apply_poll_defaults(config, "https://api.hashrateindex.com/v1/hashrateindex", 5 * kNsPerMinute);
}

std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink) {
  return std::make_unique<PollFeed<HashrateIndexProtocol>>(config, io, registry, sink);
}

}  // namespace hashwatch::connectors::hashrateindex
