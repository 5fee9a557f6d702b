// ERCOT's public API at /ercot/: a B2C token endpoint (POST /ercot/token) and NP6-905-CD
// (GET /ercot/np6-905-cd/spp_node_zone_hub) with subscription-key and bearer checks, paging, and the
// real recorded prices: HB_SOUTH for 2024-06-01..2025-03-27 and every hub for 2025-07-01. Any other
// delivery date (e.g. "today") replays --ercot-day, publishing one more interval every
// --ercot-publish-period seconds since start; POST /control/ercot/stop halts publishing.
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <sstream>

#include "connectors/common/parse_util.h"
#include "tools/feedsim/exchange_formats.h"
#include "tools/feedsim/format.h"

namespace hashwatch::feedsim {
namespace json = boost::json;
namespace {

struct Row {
  int hour_ending;
  int interval;
  std::string point;
  double price;
  bool dst_flag;
};

std::string query_param(std::string_view query, std::string_view key) {
  const std::string needle = std::string(key) + "=";
  std::size_t p = 0;
  while ((p = query.find(needle, p)) != std::string_view::npos) {
    if (p == 0 || query[p - 1] == '&') {
      const auto end = query.find('&', p);
      return std::string(query.substr(p + needle.size(), end == std::string_view::npos ? end : end - p - needle.size()));
    }
    p += needle.size();
  }
  return {};
}

class ErcotFormat final : public RestFormat {
 public:
  explicit ErcotFormat(const SimOptions& options)
      : options_(options), started_(std::chrono::steady_clock::now()) {
    const std::string dir = options.fixtures_dir;
    token_ = read_file(dir + "/ercot/b2c_token_response.json");
    bad_password_ = read_file(dir + "/ercot/b2c_token_error_bad_password.json");
    missing_key_ = read_file(dir + "/ercot/error_401_missing_subscription_key.json");
    load(dir + "/data/ercot_hb_south_rt_da_15min_2024-06-01_2025-03-27.csv", {"HB_SOUTH"}, 2);
    load(dir + "/data/ercot_rt_spp_hubs_zones_15min_2025-07-01.csv",
         {"HB_BUSAVG", "HB_HOUSTON", "HB_HUBAVG", "HB_NORTH", "HB_PAN", "HB_SOUTH", "HB_WEST"}, 2);
  }

  std::string_view name() const override { return "ercot"; }

  std::optional<RestResponse> control(std::string_view action, std::string_view) override {
    if (action == "stop") {
      stopped_at_ = published_intervals();
    } else if (action == "resume") {
      stopped_at_.reset();
    } else {
      return std::nullopt;
    }
    return RestResponse{200, "application/json", R"({"published":)" + std::to_string(published_intervals()) + "}"};
  }

  RestResponse handle(const RestRequest& request) override {
    if (request.method == "POST" && request.path == "/token") {
      if (request.body.find("grant_type=password") == std::string_view::npos ||
          request.body.find("password=wrong") != std::string_view::npos) {
        return {400, "application/json", bad_password_};
      }
      return {200, "application/json", token_};
    }
    if (request.path != "/np6-905-cd/spp_node_zone_hub") return {404, "application/json", R"({"statusCode":404})"};
    if (request.subscription_key.empty()) return {401, "application/json", missing_key_};
    if (!request.authorization.starts_with("Bearer ")) {
      return {401, "application/json", R"({"statusCode":401,"message":"Unauthorized"})"};
    }
    const std::string date = query_param(request.query, "deliveryDateFrom");
    const std::string point = query_param(request.query, "settlementPoint");
    const long size = std::max(1L, std::atol(query_param(request.query, "size").c_str()));
    const long page = std::max(1L, std::atol(query_param(request.query, "page").c_str()));
    std::vector<const Row*> rows;
    auto recorded = days_.find(date);
    const bool replay = recorded == days_.end();
    const auto& day = replay ? days_[options_.ercot_day] : recorded->second;
    const std::size_t limit = replay ? published_intervals() : day.size();
    std::size_t seen_intervals = 0;
    std::pair<int, int> last{-1, -1};
    for (const Row& r : day) {
      if (std::pair{r.hour_ending, r.interval} != last) {
        last = {r.hour_ending, r.interval};
        if (++seen_intervals > limit) break;
      }
      if (point.empty() || r.point == point) rows.push_back(&r);
    }
    const long total_pages = std::max(1L, static_cast<long>((rows.size() + size - 1) / size));
    json::array data;
    for (long i = (page - 1) * size; i < std::min<long>(page * size, static_cast<long>(rows.size())); ++i) {
      const Row& r = *rows[i];
      data.emplace_back(json::array{date, r.hour_ending, r.interval, r.point, "HU", r.price, r.dst_flag});
    }
    json::object meta{{"totalRecords", rows.size()}, {"pageSize", size}, {"totalPages", total_pages}, {"currentPage", page}};
    json::array fields;
    for (const char* f : {"deliveryDate", "deliveryHour", "deliveryInterval", "settlementPoint",
                          "settlementPointType", "settlementPointPrice", "DSTFlag"}) {
      fields.emplace_back(json::object{{"name", f}});
    }
    json::object body{{"_meta", meta},
                      {"report", json::object{{"reportName", "spp_node_zone_hub"}, {"reportEMIL", "NP6-905-CD"}}},
                      {"fields", fields},
                      {"data", data}};
    return {200, "application/json", json::serialize(body)};
  }

 private:
  std::size_t published_intervals() const {
    if (stopped_at_) return *stopped_at_;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return 1 + static_cast<std::size_t>(elapsed / std::max(options_.ercot_publish_period_s, 1e-3));
  }

  // CSV: interval_start_local_ct, interval_start_utc, then one price column per point from `first`.
  void load(const std::string& path, const std::vector<std::string>& points, std::size_t first) {
    std::istringstream in(read_file(path));
    std::string line;
    std::getline(in, line);
    std::string previous_local;
    while (std::getline(in, line)) {
      std::vector<std::string> cols;
      std::stringstream ss(line);
      for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
      if (cols.size() < first + points.size() || cols[1].empty()) continue;  // skipped local hour
      const std::string& local = cols[0];
      const int hour = std::stoi(local.substr(11, 2));
      const int minute = std::stoi(local.substr(14, 2));
      const bool repeated = local == previous_local;  // a second pass of the same local time
      previous_local = local;
      auto& day = days_[local.substr(0, 10)];
      for (std::size_t i = 0; i < points.size(); ++i) {
        day.push_back(Row{hour + 1, minute / 15 + 1, points[i], std::stod(cols[first + i]), repeated});
      }
    }
  }

  SimOptions options_;
  std::chrono::steady_clock::time_point started_;
  std::optional<std::size_t> stopped_at_;
  std::string token_, bad_password_, missing_key_;
  std::map<std::string, std::vector<Row>> days_;  // delivery date → rows in interval order
};

}  // namespace

std::unique_ptr<RestFormat> make_ercot_format(const SimOptions& options) {
  return std::make_unique<ErcotFormat>(options);
}

}  // namespace hashwatch::feedsim
