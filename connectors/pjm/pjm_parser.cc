#include "connectors/pjm/pjm_parser.h"

#include <cstring>
#include <optional>

#include "connectors/common/json_fields.h"

namespace hashwatch::connectors::pjm {

namespace {

// "2025-07-01T17:00:00" is UTC without a designator; a string that has one is taken as written.
std::optional<TimeNs> parse_utc(std::string_view text) {
  if (auto t = parse_rfc3339_ns(text)) return t;
  char buf[40];
  if (text.size() + 1 > sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = 'Z';
  return parse_rfc3339_ns(std::string_view(buf, text.size() + 1));
}

ParseStatus parse_item(simdjson::ondemand::object& o, Price& p) {
  std::string_view text;
  if (auto st = json::get_string(o, "datetime_beginning_utc", text); st != ParseStatus::kOk) {
    return st;
  }
  const auto start = parse_utc(text);
  if (!start) return ParseStatus::kWrongType;
  p.interval_start_ns = *start;
  if (auto st = json::get_int(o, "pnode_id", p.pnode_id); st != ParseStatus::kOk) return st;
  if (auto st = json::get_string(o, "pnode_name", text); st == ParseStatus::kOk) {
    p.pnode_name.assign(text.data(), text.size());
  } else if (st != ParseStatus::kMissingField) {
    return st;
  }
  // Real-time feeds carry total_lmp_rt, day-ahead ones total_lmp_da.
  auto st = json::get_double(o, "total_lmp_rt", p.price_usd_per_mwh);
  if (st == ParseStatus::kMissingField) {
    st = json::get_double(o, "total_lmp_da", p.price_usd_per_mwh);
  }
  return st;
}

}  // namespace

ParseStatus parse_lmps(std::string_view body, JsonParser& parser, std::vector<Price>& out,
                       std::int64_t& total_rows, std::string& next_href) {
  out.clear();
  total_rows = 0;
  next_href.clear();
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  simdjson::ondemand::object root;
  if (auto ec = doc.get_object().get(root)) return json::field_error(ec);
  bool have_items = false, have_total = false;
  for (auto field : root) {  // one pass, in whatever order the keys come
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key)) return json::field_error(ec);
    if (key == "errors") {
      simdjson::ondemand::json_type type;
      if (auto ec = field.value().type().get(type)) return json::field_error(ec);
      if (type != simdjson::ondemand::json_type::null) return ParseStatus::kBadValue;
    } else if (key == "links") {
      simdjson::ondemand::array links;
      if (auto ec = field.value().get_array().get(links)) return json::field_error(ec);
      for (auto element : links) {
        simdjson::ondemand::object link;
        if (auto ec = element.get_object().get(link)) return json::field_error(ec);
        std::string_view rel, href;
        if (auto st = json::get_string(link, "rel", rel); st != ParseStatus::kOk) return st;
        if (rel != "next") continue;  // self, metadata
        if (auto st = json::get_string(link, "href", href); st != ParseStatus::kOk) return st;
        next_href.assign(href.data(), href.size());
      }
    } else if (key == "items") {
      simdjson::ondemand::array items;
      if (auto ec = field.value().get_array().get(items)) return json::field_error(ec);
      for (auto element : items) {
        simdjson::ondemand::object o;
        if (auto ec = element.get_object().get(o)) return json::field_error(ec);
        Price p;
        if (auto st = parse_item(o, p); st != ParseStatus::kOk) return st;
        out.push_back(std::move(p));
      }
      have_items = true;
    } else if (key == "totalRows") {
      if (auto ec = field.value().get_int64().get(total_rows)) return json::field_error(ec);
      have_total = true;
    }
  }
  if (!have_items) return ParseStatus::kMissingField;
  if (!have_total) total_rows = static_cast<std::int64_t>(out.size());
  return total_rows < 0 ? ParseStatus::kBadValue : ParseStatus::kOk;
}

}  // namespace hashwatch::connectors::pjm
