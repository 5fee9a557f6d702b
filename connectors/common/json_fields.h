// Field access helpers over simdjson On-Demand that return ParseStatus values. For parser .cc files
// only (they include simdjson); every helper works on objects and on documents.
#pragma once

#include <cstdint>
#include <string_view>

#include "connectors/common/json_parser_impl.h"
#include "connectors/common/parse_status.h"
#include "connectors/common/parse_util.h"

namespace hashwatch::connectors::json {

// On-Demand parses lazily: a structural error (truncated or broken JSON) can surface at any field.
inline ParseStatus field_error(simdjson::error_code ec) {
  switch (ec) {
    case simdjson::NO_SUCH_FIELD:
      return ParseStatus::kMissingField;
    case simdjson::INCORRECT_TYPE:
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
      return ParseStatus::kWrongType;
    default:
      return ParseStatus::kNotJson;
  }
}

// Starts a parse of `frame` (followed by kFramePadding readable bytes) and checks the root is an
// object.
inline ParseStatus open_object(std::string_view frame, JsonParser& json,
                               simdjson::ondemand::document& doc) {
  if (json.parser
          .iterate(simdjson::padded_string_view(frame.data(), frame.size(),
                                                frame.size() + kFramePadding))
          .get(doc)) {
    return ParseStatus::kNotJson;
  }
  simdjson::ondemand::json_type type;
  if (doc.type().get(type) || type != simdjson::ondemand::json_type::object) {
    return ParseStatus::kNotJson;
  }
  return ParseStatus::kOk;
}

template <class Obj>
ParseStatus get_string(Obj& obj, std::string_view key, std::string_view& out) {
  auto ec = obj[key].get_string().get(out);
  return ec ? field_error(ec) : ParseStatus::kOk;
}

template <class Obj>
ParseStatus get_int(Obj& obj, std::string_view key, std::int64_t& out) {
  auto ec = obj[key].get_int64().get(out);
  return ec ? field_error(ec) : ParseStatus::kOk;
}

template <class Obj>
ParseStatus get_double(Obj& obj, std::string_view key, double& out) {
  // simdjson converts decimal text to the nearest double (correctly rounded), like from_chars.
  auto ec = obj[key].get_double().get(out);
  return ec ? field_error(ec) : ParseStatus::kOk;
}

// A decimal carried as a JSON string ("105566.35"), converted exactly.
template <class Obj>
ParseStatus get_decimal_string(Obj& obj, std::string_view key, double& out) {
  std::string_view text;
  if (auto st = get_string(obj, key, text); st != ParseStatus::kOk) return st;
  auto v = parse_decimal(text);
  if (!v) return ParseStatus::kWrongType;
  out = *v;
  return ParseStatus::kOk;
}

// An integer carried as a JSON string ("1751371200412000").
template <class Obj>
ParseStatus get_int_string(Obj& obj, std::string_view key, std::int64_t& out) {
  std::string_view text;
  if (auto st = get_string(obj, key, text); st != ParseStatus::kOk) return st;
  auto v = parse_int(text);
  if (!v) return ParseStatus::kWrongType;
  out = *v;
  return ParseStatus::kOk;
}

template <class Obj>
ParseStatus get_rfc3339(Obj& obj, std::string_view key, TimeNs& out) {
  std::string_view text;
  if (auto st = get_string(obj, key, text); st != ParseStatus::kOk) return st;
  auto t = parse_rfc3339_ns(text);
  if (!t) return ParseStatus::kWrongType;
  out = *t;
  return ParseStatus::kOk;
}

}  // namespace hashwatch::connectors::json
