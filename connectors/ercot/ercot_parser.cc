#include "connectors/ercot/ercot_parser.h"

#include <algorithm>
#include <cctype>

#include "connectors/common/json_fields.h"

namespace hashwatch::connectors::ercot {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

enum Column { kDate, kHour, kInterval, kPoint, kPrice, kDst, kColumns };

int column_of(std::string_view name) {
  if (iequals(name, "deliveryDate")) return kDate;
  if (iequals(name, "deliveryHour")) return kHour;
  if (iequals(name, "deliveryInterval")) return kInterval;
  if (iequals(name, "settlementPoint") || iequals(name, "settlementPointName")) return kPoint;
  if (iequals(name, "settlementPointPrice")) return kPrice;
  if (iequals(name, "DSTFlag")) return kDst;
  return -1;
}

ParseStatus parse_date(std::string_view s, SppRow& row) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return ParseStatus::kWrongType;
  auto y = parse_int(s.substr(0, 4)), m = parse_int(s.substr(5, 2)), d = parse_int(s.substr(8, 2));
  if (!y || !m || !d) return ParseStatus::kWrongType;
  row.year = static_cast<int>(*y);
  row.month = static_cast<unsigned>(*m);
  row.day = static_cast<unsigned>(*d);
  return ParseStatus::kOk;
}

}  // namespace

ParseStatus parse_spp_report(std::string_view body, JsonParser& parser, ReportPage& out) {
  out = ReportPage{};
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  simdjson::ondemand::object meta;
  if (!doc["_meta"].get_object().get(meta)) {
    std::int64_t current = 1, total = 1;
    if (json::get_int(meta, "currentPage", current) == ParseStatus::kOk) out.current_page = static_cast<int>(current);
    if (json::get_int(meta, "totalPages", total) == ParseStatus::kOk) out.total_pages = static_cast<int>(total);
  }
  // Column positions from `fields` (which comes before `data` on the wire; looked up by name anyway).
  std::vector<int> position_to_column;
  simdjson::ondemand::array fields;
  if (auto ec = doc["fields"].get_array().get(fields)) return json::field_error(ec);
  for (auto f : fields) {
    simdjson::ondemand::object o;
    if (auto ec = f.get_object().get(o)) return json::field_error(ec);
    std::string_view name;
    if (auto st = json::get_string(o, "name", name); st != ParseStatus::kOk) return st;
    position_to_column.push_back(column_of(name));
  }
  for (int c = 0; c < kColumns; ++c) {
    if (std::find(position_to_column.begin(), position_to_column.end(), c) == position_to_column.end() &&
        c != kDst) {
      return ParseStatus::kMissingField;  // DSTFlag may be absent (no repeated hour in the range)
    }
  }
  simdjson::ondemand::array data;
  if (auto ec = doc["data"].get_array().get(data)) return json::field_error(ec);
  for (auto r : data) {
    simdjson::ondemand::array cells;
    if (auto ec = r.get_array().get(cells)) return json::field_error(ec);
    SppRow row;
    std::size_t i = 0;
    for (auto cell : cells) {
      const int column = i < position_to_column.size() ? position_to_column[i] : -1;
      ++i;
      simdjson::ondemand::value v;
      if (auto ec = cell.get(v)) return json::field_error(ec);
      std::string_view text;
      std::int64_t n = 0;
      switch (column) {
        case kDate:
          if (auto ec = v.get_string().get(text)) return json::field_error(ec);
          if (auto st = parse_date(text, row); st != ParseStatus::kOk) return st;
          break;
        case kHour:
          if (auto ec = v.get_int64().get(n)) return json::field_error(ec);
          row.hour_ending = static_cast<int>(n);
          break;
        case kInterval:
          if (auto ec = v.get_int64().get(n)) return json::field_error(ec);
          row.interval = static_cast<int>(n);
          break;
        case kPoint:
          if (auto ec = v.get_string().get(text)) return json::field_error(ec);
          row.point = std::string(text);
          break;
        case kPrice:
          if (auto ec = v.get_double().get(row.price_usd_per_mwh)) return json::field_error(ec);
          break;
        case kDst: {
          bool flag = false;
          if (!v.get_bool().get(flag)) {
            row.dst_flag = flag;
          } else if (!v.get_string().get(text) && (text == "Y" || text == "N")) {
            row.dst_flag = text == "Y";
          } else {
            return ParseStatus::kWrongType;
          }
          break;
        }
        default:
          break;  // other columns (settlementPointType, ...) are not needed
      }
    }
    if (row.hour_ending < 1 || row.hour_ending > 24 || row.interval < 1 || row.interval > 4) {
      return ParseStatus::kBadValue;
    }
    out.rows.push_back(std::move(row));
  }
  return ParseStatus::kOk;
}

ParseStatus parse_token(std::string_view body, JsonParser& parser, Token& out, std::string& error) {
  out = Token{};
  error.clear();
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  std::string_view text;
  if (json::get_string(doc, "error", text) == ParseStatus::kOk) {
    std::string_view description;
    error = std::string(text);
    if (json::get_string(doc, "error_description", description) == ParseStatus::kOk) {
      error += ": " + std::string(description.substr(0, description.find('\r')));
    }
    return ParseStatus::kBadValue;
  }
  if (auto st = json::get_string(doc, "id_token", text); st != ParseStatus::kOk) return st;
  out.id_token = std::string(text);
  // B2C sends the lifetimes as strings ("3600").
  if (json::get_int_string(doc, "id_token_expires_in", out.expires_in_s) != ParseStatus::kOk &&
      json::get_int_string(doc, "expires_in", out.expires_in_s) != ParseStatus::kOk) {
    out.expires_in_s = 3600;
  }
  return ParseStatus::kOk;
}

}  // namespace hashwatch::connectors::ercot
