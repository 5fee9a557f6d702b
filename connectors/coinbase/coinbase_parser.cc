#include "connectors/coinbase/coinbase_parser.h"

#include "connectors/common/json_fields.h"

namespace hashwatch::connectors::coinbase {

namespace {

using simdjson::ondemand::document;
using json::get_int;
using json::get_string;

ParseStatus get_time(document& doc, const char* key, TimeNs& out) {
  return json::get_rfc3339(doc, key, out);
}

}  // namespace

ParseStatus parse_message(std::string_view frame, JsonParser& parser, Message& out) {
  out = Message{};
  document doc;
  if (auto st = json::open_object(frame, parser, doc); st != ParseStatus::kOk) return st;
  if (auto st = get_string(doc, "type", out.type_name); st != ParseStatus::kOk) return st;

  if (out.type_name == "ticker") {
    out.type = MessageType::kTicker;
    if (auto st = get_int(doc, "sequence", out.sequence); st != ParseStatus::kOk) return st;
    if (auto st = get_string(doc, "product_id", out.product_id); st != ParseStatus::kOk) return st;
    if (auto st = json::get_decimal_string(doc, "price", out.price); st != ParseStatus::kOk) {
      return st;
    }
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
