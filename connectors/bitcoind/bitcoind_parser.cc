#include "connectors/bitcoind/bitcoind_parser.h"

#include "connectors/common/json_fields.h"

namespace hashwatch::connectors::bitcoind {

namespace {

// Opens the reply; returns kOk with `error` filled when there is an error object, or with `result`
// pointing at the result object.
ParseStatus open_reply(std::string_view body, JsonParser& parser, simdjson::ondemand::document& doc,
                       simdjson::ondemand::object& result, RpcError& error) {
  error = RpcError{};
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  simdjson::ondemand::value err;
  if (!doc["error"].get(err) && !err.is_null()) {
    simdjson::ondemand::object e;
    if (auto ec = err.get_object().get(e)) return json::field_error(ec);
    if (auto st = json::get_int(e, "code", error.code); st != ParseStatus::kOk) return st;
    if (json::get_string(e, "message", error.message) != ParseStatus::kOk) error.message = {};
    error.present = true;
    return ParseStatus::kOk;
  }
  if (auto ec = doc["result"].get_object().get(result)) return json::field_error(ec);
  return ParseStatus::kOk;
}

}  // namespace

ParseStatus parse_chain_info(std::string_view body, JsonParser& parser, ChainInfo& out,
                             RpcError& error) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object r;
  if (auto st = open_reply(body, parser, doc, r, error); st != ParseStatus::kOk || error.present) return st;
  if (auto st = json::get_int(r, "blocks", out.blocks); st != ParseStatus::kOk) return st;
  if (auto st = json::get_int(r, "headers", out.headers); st != ParseStatus::kOk) return st;
  if (auto st = json::get_double(r, "difficulty", out.difficulty); st != ParseStatus::kOk) return st;
  if (auto ec = r["initialblockdownload"].get_bool().get(out.initial_block_download)) {
    return json::field_error(ec);
  }
  if (out.blocks < 0 || !(out.difficulty > 0)) return ParseStatus::kBadValue;
  return ParseStatus::kOk;
}

ParseStatus parse_mining_info(std::string_view body, JsonParser& parser, MiningInfo& out,
                              RpcError& error) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object r;
  if (auto st = open_reply(body, parser, doc, r, error); st != ParseStatus::kOk || error.present) return st;
  return json::get_double(r, "networkhashps", out.network_hashps);
}

ParseStatus parse_block_stats(std::string_view body, JsonParser& parser, BlockStats& out,
                              RpcError& error) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object r;
  if (auto st = open_reply(body, parser, doc, r, error); st != ParseStatus::kOk || error.present) return st;
  if (auto st = json::get_int(r, "height", out.height); st != ParseStatus::kOk) return st;
  if (auto st = json::get_int(r, "totalfee", out.total_fee_sats); st != ParseStatus::kOk) return st;
  if (out.total_fee_sats < 0) return ParseStatus::kBadValue;
  return ParseStatus::kOk;
}

}  // namespace hashwatch::connectors::bitcoind
