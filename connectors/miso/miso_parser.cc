#include "connectors/miso/miso_parser.h"

#include <array>
#include <cstring>
#include <optional>

#include "connectors/common/json_fields.h"

namespace hashwatch::connectors::miso {

namespace {

// "2025-07-01T12:00:00" or "2025-07-01 12:00:00.000" in EST (UTC-5 all year) to UTC.
std::optional<TimeNs> parse_est(std::string_view text) {
  constexpr std::string_view kOffset = "-05:00";
  char buf[48];
  if (text.size() + kOffset.size() > sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  std::memcpy(buf + text.size(), kOffset.data(), kOffset.size());
  return parse_rfc3339_ns(std::string_view(buf, text.size() + kOffset.size()));
}

ParseStatus get_interval(simdjson::ondemand::value& v, TimeNs& out) {
  std::string_view text;
  if (auto ec = v.get_string().get(text)) return json::field_error(ec);
  const auto t = parse_est(text);
  if (!t) return ParseStatus::kWrongType;
  out = *t;
  return ParseStatus::kOk;
}

// A price as a JSON number (36.58) or a decimal string ("36.58").
ParseStatus get_price(simdjson::ondemand::value& v, double& out) {
  simdjson::ondemand::json_type type;
  if (auto ec = v.type().get(type)) return json::field_error(ec);
  if (type == simdjson::ondemand::json_type::number) {
    if (auto ec = v.get_double().get(out)) return json::field_error(ec);
    return ParseStatus::kOk;
  }
  std::string_view text;
  if (type != simdjson::ondemand::json_type::string) return ParseStatus::kWrongType;
  if (auto ec = v.get_string().get(text)) return json::field_error(ec);
  const auto d = parse_decimal(text);
  if (!d) return ParseStatus::kWrongType;
  out = *d;
  return ParseStatus::kOk;
}

ParseStatus get_node(simdjson::ondemand::value& v, std::string& out) {
  std::string_view text;
  if (auto ec = v.get_string().get(text)) return json::field_error(ec);
  out.assign(text.data(), text.size());  // the view dies with the next parse
  return ParseStatus::kOk;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 'a' + 'A') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
enum Column { kInterval, kNode, kLmp, kColumns };

}  // namespace

ParseStatus parse_public_api(std::string_view body, JsonParser& parser, std::vector<Price>& out) {
  out.clear();
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  // Positions from `headers`; document lookups are unordered, so `data` may come first.
  std::array<std::size_t, kColumns> position;
  position.fill(kNone);
  simdjson::ondemand::array headers;
  if (auto ec = doc["headers"].get_array().get(headers)) return json::field_error(ec);
  std::size_t h = 0;
  for (auto header : headers) {
    std::string_view name;
    if (auto ec = header.get_string().get(name)) return json::field_error(ec);
    if (iequals(name, "INTERVAL")) position[kInterval] = h;
    if (iequals(name, "CPNODE")) position[kNode] = h;
    if (iequals(name, "LMP")) position[kLmp] = h;
    ++h;
  }
  for (std::size_t p : position) {
    if (p == kNone) return ParseStatus::kMissingField;
  }
  simdjson::ondemand::array data;
  if (auto ec = doc["data"].get_array().get(data)) return json::field_error(ec);
  for (auto row : data) {
    simdjson::ondemand::array cells;
    if (auto ec = row.get_array().get(cells)) return json::field_error(ec);
    Price price;
    std::size_t at = 0, found = 0;
    for (auto cell : cells) {
      const std::size_t column = at++;
      simdjson::ondemand::value v;
      if (auto ec = cell.get(v)) return json::field_error(ec);
      ParseStatus st = ParseStatus::kOk;
      if (column == position[kInterval]) {
        st = get_interval(v, price.interval_start_ns);
      } else if (column == position[kNode]) {
        st = get_node(v, price.node);
      } else if (column == position[kLmp]) {
        st = get_price(v, price.price_usd_per_mwh);
      } else {
        continue;  // MLC, MCC, ...
      }
      if (st != ParseStatus::kOk) return st;
      ++found;
    }
    if (found != kColumns) return ParseStatus::kMissingField;  // a short row
    out.push_back(std::move(price));
  }
  return ParseStatus::kOk;
}

ParseStatus parse_apim(std::string_view body, JsonParser& parser, std::vector<Price>& out,
                       bool& last_page) {
  out.clear();
  last_page = true;
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  simdjson::ondemand::array data;
  if (auto ec = doc["data"].get_array().get(data)) return json::field_error(ec);
  for (auto element : data) {
    simdjson::ondemand::object o;
    if (auto ec = element.get_object().get(o)) return json::field_error(ec);
    Price price;
    simdjson::ondemand::value v;
    if (auto ec = o["node"].get(v)) return json::field_error(ec);
    if (auto st = get_node(v, price.node); st != ParseStatus::kOk) return st;
    if (auto ec = o["lmp"].get(v)) return json::field_error(ec);
    if (auto st = get_price(v, price.price_usd_per_mwh); st != ParseStatus::kOk) return st;
    simdjson::ondemand::object interval;
    if (auto ec = o["timeInterval"].get_object().get(interval)) return json::field_error(ec);
    if (auto ec = interval["start"].get(v)) return json::field_error(ec);
    if (auto st = get_interval(v, price.interval_start_ns); st != ParseStatus::kOk) return st;
    out.push_back(std::move(price));
  }
  // Page with ?pageNumber=N while !lastPage; a reply without `page` is the only page.
  simdjson::ondemand::object page;
  if (auto ec = doc["page"].get_object().get(page)) {
    return ec == simdjson::NO_SUCH_FIELD ? ParseStatus::kOk : json::field_error(ec);
  }
  if (auto ec = page["lastPage"].get_bool().get(last_page)) return json::field_error(ec);
  return ParseStatus::kOk;
}

}  // namespace hashwatch::connectors::miso
