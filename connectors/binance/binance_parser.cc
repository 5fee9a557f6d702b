#include "connectors/binance/binance_parser.h"

#include "connectors/common/json_fields.h"

namespace hashwatch::connectors::binance {

namespace {

template <class Obj>
ParseStatus parse_payload(Obj& o, Message& out) {
  std::string_view event;
  const ParseStatus has_event = json::get_string(o, "e", event);
  if (has_event == ParseStatus::kOk) {
    if (event == "serverShutdown") {
      out.type = MessageType::kShutdown;
      return ParseStatus::kOk;
    }
    if (event != "trade") return ParseStatus::kOk;  // other events: ignored
    out.type = MessageType::kTrade;
    if (auto st = json::get_string(o, "s", out.symbol); st != ParseStatus::kOk) return st;
    if (auto st = json::get_int(o, "t", out.sequence); st != ParseStatus::kOk) return st;
    if (auto st = json::get_decimal_string(o, "p", out.price); st != ParseStatus::kOk) return st;
    std::int64_t trade_ms = 0;
    if (auto st = json::get_int(o, "T", trade_ms); st != ParseStatus::kOk) return st;
    out.time_ns = trade_ms * kNsPerMs;
    return ParseStatus::kOk;
  }
  if (has_event != ParseStatus::kMissingField) return has_event;

  // bookTicker: no event type, no time.
  std::int64_t update_id = 0;
  const ParseStatus has_u = json::get_int(o, "u", update_id);
  if (has_u == ParseStatus::kOk) {
    out.type = MessageType::kBookTicker;
    out.sequence = update_id;
    double bid = 0, ask = 0;
    if (auto st = json::get_string(o, "s", out.symbol); st != ParseStatus::kOk) return st;
    if (auto st = json::get_decimal_string(o, "b", bid); st != ParseStatus::kOk) return st;
    if (auto st = json::get_decimal_string(o, "a", ask); st != ParseStatus::kOk) return st;
    out.price = (bid + ask) / 2.0;
    return ParseStatus::kOk;
  }
  if (has_u != ParseStatus::kMissingField) return has_u;

  // {"error":{"code":2,"msg":"..."},"id":1}, or a bare {"code":0,"msg":"..."} (HTTP 451 body).
  simdjson::ondemand::object error;
  if (!o["error"].get_object().get(error)) {
    out.type = MessageType::kError;
    if (json::get_string(error, "msg", out.error) != ParseStatus::kOk) out.error = {};
    return ParseStatus::kOk;
  }
  std::string_view msg;
  if (json::get_string(o, "msg", msg) == ParseStatus::kOk) {
    out.type = MessageType::kError;
    out.error = msg;
    return ParseStatus::kOk;
  }
  simdjson::ondemand::value result;
  if (!o["result"].get(result)) {
    out.type = MessageType::kResult;
    return ParseStatus::kOk;
  }
  return ParseStatus::kOk;
}

}  // namespace

ParseStatus parse_message(std::string_view frame, JsonParser& parser, Message& out) {
  out = Message{};
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(frame, parser, doc); st != ParseStatus::kOk) return st;
  std::string_view stream;
  const ParseStatus wrapped = json::get_string(doc, "stream", stream);
  if (wrapped == ParseStatus::kOk) {
    simdjson::ondemand::object data;
    if (auto ec = doc["data"].get_object().get(data)) return json::field_error(ec);
    return parse_payload(data, out);
  }
  if (wrapped != ParseStatus::kMissingField) return wrapped;
  return parse_payload(doc, out);
}

}  // namespace hashwatch::connectors::binance
