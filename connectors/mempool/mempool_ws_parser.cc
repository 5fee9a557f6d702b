#include "connectors/mempool/mempool_ws_parser.h"

#include "connectors/common/json_fields.h"

namespace hashwatch::connectors::mempool {

namespace {

ParseStatus parse_block(simdjson::ondemand::object& o, WsBlock& b) {
  b = WsBlock{};
  if (auto st = json::get_int(o, "height", b.height); st != ParseStatus::kOk) return st;
  std::int64_t ts = 0;
  if (auto st = json::get_int(o, "timestamp", ts); st != ParseStatus::kOk) return st;
  b.time_ns = ts * kNsPerSecond;
  if (auto st = json::get_double(o, "difficulty", b.difficulty); st != ParseStatus::kOk) return st;
  simdjson::ondemand::object extras;
  if (!o["extras"].get_object().get(extras)) {
    if (json::get_int(extras, "totalFees", b.total_fees_sats) != ParseStatus::kOk) {
      b.total_fees_sats = -1;
    }
  }
  if (b.height < 0 || !(b.difficulty > 0)) return ParseStatus::kBadValue;
  return ParseStatus::kOk;
}

}  // namespace

ParseStatus parse_ws_message(std::string_view frame, JsonParser& parser, WsMessage& out) {
  out = WsMessage{};
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(frame, parser, doc); st != ParseStatus::kOk) return st;
  simdjson::ondemand::object root;
  if (auto ec = doc.get_object().get(root)) return json::field_error(ec);
  for (auto field : root) {
    std::string_view key;
    if (auto ec = field.unescaped_key().get(key)) return json::field_error(ec);
    if (key == "block") {
      simdjson::ondemand::object o;
      if (auto ec = field.value().get_object().get(o)) return json::field_error(ec);
      if (auto st = parse_block(o, out.block); st != ParseStatus::kOk) return st;
      out.has_block = true;
    } else if (key == "blocks") {
      simdjson::ondemand::array blocks;
      if (auto ec = field.value().get_array().get(blocks)) return json::field_error(ec);
      for (auto element : blocks) {
        simdjson::ondemand::object o;
        if (auto ec = element.get_object().get(o)) return json::field_error(ec);
        WsBlock b;
        if (auto st = parse_block(o, b); st != ParseStatus::kOk) return st;
        if (!out.has_block || b.height > out.block.height) out.block = b;
        out.has_block = true;
      }
    } else if (key == "da") {
      simdjson::ondemand::object da;
      if (auto ec = field.value().get_object().get(da)) return json::field_error(ec);
      if (auto st = json::get_double(da, "difficultyChange", out.retarget_change_pct);
          st != ParseStatus::kOk) {
        return st;
      }
      if (auto st = json::get_int(da, "remainingBlocks", out.remaining_blocks); st != ParseStatus::kOk) {
        return st;
      }
      out.has_da = true;
    } else if (key == "pong") {
      out.pong = true;
    }
  }
  return ParseStatus::kOk;
}

}  // namespace hashwatch::connectors::mempool
