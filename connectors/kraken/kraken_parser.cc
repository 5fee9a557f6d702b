#include "connectors/kraken/kraken_parser.h"

#include "connectors/common/json_fields.h"

namespace hashwatch::connectors::kraken {

namespace {

ParseStatus parse_items(simdjson::ondemand::document& doc, bool trade, Message& out) {
  simdjson::ondemand::array data;
  if (auto ec = doc["data"].get_array().get(data)) return json::field_error(ec);
  for (auto element : data) {
    simdjson::ondemand::object o;
    if (auto ec = element.get_object().get(o)) return json::field_error(ec);
    if (out.item_count == kMaxItems) {
      out.truncated = true;
      break;
    }
    Item& item = out.items[out.item_count];
    item = Item{};
    if (auto st = json::get_string(o, "symbol", item.symbol); st != ParseStatus::kOk) return st;
    if (trade) {
      if (auto st = json::get_double(o, "price", item.price); st != ParseStatus::kOk) return st;
      if (auto st = json::get_int(o, "trade_id", item.trade_id); st != ParseStatus::kOk) return st;
      if (auto st = json::get_rfc3339(o, "timestamp", item.time_ns); st != ParseStatus::kOk) {
        return st;
      }
    } else {
      if (auto st = json::get_double(o, "last", item.price); st != ParseStatus::kOk) return st;
      // `timestamp` is newer than 2024 servers: optional.
      const ParseStatus ts = json::get_rfc3339(o, "timestamp", item.time_ns);
      if (ts != ParseStatus::kOk && ts != ParseStatus::kMissingField) return ts;
    }
    ++out.item_count;
  }
  return ParseStatus::kOk;
}

}  // namespace

ParseStatus parse_message(std::string_view frame, JsonParser& parser, Message& out) {
  out.type = MessageType::kOther;
  out.system = {};
  out.error = {};
  out.item_count = 0;
  out.truncated = false;
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(frame, parser, doc); st != ParseStatus::kOk) return st;

  std::string_view channel;
  const ParseStatus has_channel = json::get_string(doc, "channel", channel);
  if (has_channel == ParseStatus::kOk) {
    if (channel == "heartbeat") {
      out.type = MessageType::kHeartbeat;
      return ParseStatus::kOk;
    }
    if (channel == "status") {
      out.type = MessageType::kStatus;
      simdjson::ondemand::array data;
      if (auto ec = doc["data"].get_array().get(data)) return json::field_error(ec);
      for (auto element : data) {
        simdjson::ondemand::object o;
        if (auto ec = element.get_object().get(o)) return json::field_error(ec);
        return json::get_string(o, "system", out.system);
      }
      return ParseStatus::kMissingField;
    }
    if (channel == "ticker" || channel == "trade") {
      out.type = channel == "trade" ? MessageType::kTrade : MessageType::kTicker;
      return parse_items(doc, out.type == MessageType::kTrade, out);
    }
    return ParseStatus::kOk;  // other channels: ignored
  }
  if (has_channel != ParseStatus::kMissingField) return has_channel;

  // Method replies: acknowledgements, errors, pong.
  std::string_view error;
  if (json::get_string(doc, "error", error) == ParseStatus::kOk) {
    out.type = MessageType::kError;
    out.error = error;
    return ParseStatus::kOk;
  }
  std::string_view method;
  if (auto st = json::get_string(doc, "method", method); st != ParseStatus::kOk) return st;
  if (method == "pong") {
    out.type = MessageType::kPong;
    return ParseStatus::kOk;
  }
  bool success = false;
  if (auto ec = doc["success"].get_bool().get(success)) return json::field_error(ec);
  out.type = success ? MessageType::kAck : MessageType::kError;
  return ParseStatus::kOk;
}

}  // namespace hashwatch::connectors::kraken
