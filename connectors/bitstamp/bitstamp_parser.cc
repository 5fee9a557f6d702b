#include "connectors/bitstamp/bitstamp_parser.h"

#include "connectors/common/json_fields.h"

namespace hashwatch::connectors::bitstamp {

ParseStatus parse_message(std::string_view frame, JsonParser& parser, Message& out) {
  out = Message{};
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(frame, parser, doc); st != ParseStatus::kOk) return st;
  std::string_view event;
  if (auto st = json::get_string(doc, "event", event); st != ParseStatus::kOk) return st;

  if (event == "trade") {
    out.type = MessageType::kTrade;
    if (auto st = json::get_string(doc, "channel", out.channel); st != ParseStatus::kOk) return st;
    simdjson::ondemand::object data;
    if (auto ec = doc["data"].get_object().get(data)) return json::field_error(ec);
    if (auto st = json::get_int(data, "id", out.trade_id); st != ParseStatus::kOk) return st;
    // price_str is the exact decimal; `price` (a JSON number) only when it is missing.
    ParseStatus st = json::get_decimal_string(data, "price_str", out.price);
    if (st == ParseStatus::kMissingField) st = json::get_double(data, "price", out.price);
    if (st != ParseStatus::kOk) return st;
    std::int64_t micros = 0;
    if (auto mt = json::get_int_string(data, "microtimestamp", micros); mt != ParseStatus::kOk) {
      return mt;
    }
    out.time_ns = micros * kNsPerUs;
    return ParseStatus::kOk;
  }
  if (event == "bts:subscription_succeeded") {
    out.type = MessageType::kAck;
    if (json::get_string(doc, "channel", out.channel) != ParseStatus::kOk) out.channel = {};
  } else if (event == "bts:heartbeat") {
    out.type = MessageType::kHeartbeat;
  } else if (event == "bts:request_reconnect") {
    out.type = MessageType::kReconnect;
  } else if (event == "bts:error") {
    out.type = MessageType::kError;
    simdjson::ondemand::object data;
    if (!doc["data"].get_object().get(data)) {
      if (json::get_string(data, "message", out.error) != ParseStatus::kOk) out.error = {};
    }
  }
  return ParseStatus::kOk;
}

}  // namespace hashwatch::connectors::bitstamp
