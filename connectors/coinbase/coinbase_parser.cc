#include "connectors/coinbase/coinbase_parser.h"


#include "connectors/common/json_parser_impl.h"

namespace hashwatch::connectors::coinbase {

std::string_view parse_status_name(ParseStatus status) {
  switch (status) {
    case ParseStatus::kOk: return "ok";
    case ParseStatus::kNotJson: return "not json";
    case ParseStatus::kMissingField: return "missing field";
    case ParseStatus::kWrongType: return "wrong type";
  }
  return "unknown";
}

namespace {

using simdjson::ondemand::document;

// On-Demand parses lazily: a structural error (truncated or broken JSON) can surface at any field.
ParseStatus field_error(simdjson::error_code ec) {
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

ParseStatus get_string(document& doc, const char* key, std::string_view& out) {
  auto ec = doc[key].get_string().get(out);
  return ec ? field_error(ec) : ParseStatus::kOk;
}

ParseStatus get_int(document& doc, const char* key, std::int64_t& out) {
  auto ec = doc[key].get_int64().get(out);
  return ec ? field_error(ec) : ParseStatus::kOk;
}

ParseStatus get_time(document& doc, const char* key, TimeNs& out) {
  std::string_view text;
  if (auto st = get_string(doc, key, text); st != ParseStatus::kOk) return st;
  auto t = parse_rfc3339_ns(text);
  if (!t) return ParseStatus::kWrongType;
  out = *t;
  return ParseStatus::kOk;
}

}  // namespace

ParseStatus parse_message(std::string_view frame, JsonParser& json,
                          Message& out) {
  out = Message{};
  document doc;
  if (json.parser.iterate(simdjson::padded_string_view(frame.data(), frame.size(),
                                                  frame.size() + kFramePadding))
          .get(doc)) {
    return ParseStatus::kNotJson;
  }
  simdjson::ondemand::json_type root_type;
  if (doc.type().get(root_type) || root_type != simdjson::ondemand::json_type::object) {
    return ParseStatus::kNotJson;
  }
  if (auto st = get_string(doc, "type", out.type_name); st != ParseStatus::kOk) return st;

  if (out.type_name == "ticker") {
    out.type = MessageType::kTicker;
    std::string_view price;
    if (auto st = get_int(doc, "sequence", out.sequence); st != ParseStatus::kOk) return st;
    if (auto st = get_string(doc, "product_id", out.product_id); st != ParseStatus::kOk) return st;
    if (auto st = get_string(doc, "price", price); st != ParseStatus::kOk) return st;
    auto value = parse_decimal(price);
    if (!value) return ParseStatus::kWrongType;
    out.price = *value;
    if (auto st = get_time(doc, "time", out.time_ns); st != ParseStatus::kOk) return st;
    if (auto st = get_int(doc, "trade_id", out.trade_id); st != ParseStatus::kOk) return st;
  } else if (out.type_name == "heartbeat") {
    out.type = MessageType::kHeartbeat;
    if (auto st = get_int(doc, "last_trade_id", out.trade_id); st != ParseStatus::kOk) return st;
    if (auto st = get_string(doc, "product_id", out.product_id); st != ParseStatus::kOk) return st;
    if (auto st = get_int(doc, "sequence", out.sequence); st != ParseStatus::kOk) return st;
    if (auto st = get_time(doc, "time", out.time_ns); st != ParseStatus::kOk) return st;
  } else if (out.type_name == "subscriptions") {
    out.type = MessageType::kSubscriptions;
  } else if (out.type_name == "error") {
    out.type = MessageType::kError;
    if (auto st = get_string(doc, "message", out.error_message); st != ParseStatus::kOk) return st;
    // `reason` is optional and sometimes itself JSON text; it is kept verbatim.
    if (doc["reason"].get_string().get(out.error_reason)) out.error_reason = {};
  } else {
    out.type = MessageType::kOther;  // "New message types can be added at any time": ignore
  }
  return ParseStatus::kOk;
}

}  // namespace hashwatch::connectors::coinbase
