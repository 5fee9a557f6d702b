#include "connectors/mempool/mempool_parser.h"


#include "connectors/common/json_fields.h"
#include "rules/hashprice.h"

namespace hashwatch::connectors::mempool {

namespace {

using json::field_error;

// A sum that mempool serializes as a JSON string (MySQL DECIMAL), tolerated as a number too.
ParseStatus get_int_or_string(simdjson::ondemand::document& doc, const char* key,
                              std::int64_t& out) {
  simdjson::ondemand::value v;
  if (auto ec = doc[key].get(v)) return field_error(ec);
  simdjson::ondemand::json_type type;
  if (v.type().get(type)) return ParseStatus::kWrongType;
  if (type == simdjson::ondemand::json_type::string) {
    std::string_view text;
    if (v.get_string().get(text)) return ParseStatus::kWrongType;
    auto parsed = parse_int(text);
    if (!parsed) return ParseStatus::kWrongType;
    out = *parsed;
    return ParseStatus::kOk;
  }
  if (type == simdjson::ondemand::json_type::number) {
    return v.get_int64().get(out) ? ParseStatus::kWrongType : ParseStatus::kOk;
  }
  return ParseStatus::kWrongType;
}

}  // namespace

ParseStatus parse_tip_height(std::string_view body, std::int64_t& height) {
  auto parsed = parse_int(body);
  if (!parsed) return ParseStatus::kWrongType;
  if (*parsed < 0) return ParseStatus::kBadValue;
  height = *parsed;
  return ParseStatus::kOk;
}

ParseStatus parse_hashrate(std::string_view body, JsonParser& parser,
                           HashrateInfo& out) {
  out = HashrateInfo{};
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  // Hashrates exceed int64 (e.g. 873471568816497600000): read every number as double.
  double hashrate = 0.0;
  if (auto ec = doc["currentHashrate"].get_double().get(hashrate)) return field_error(ec);
  if (auto ec = doc["currentDifficulty"].get_double().get(out.current_difficulty)) {
    return field_error(ec);
  }
  if (!(out.current_difficulty > 0.0)) return ParseStatus::kBadValue;  // 0: node unreachable
  if (hashrate > 0.0) out.current_hashrate_hs = hashrate;
  return ParseStatus::kOk;
}

double RewardStats::fees_per_block_btc() const {
  return static_cast<double>(total_fee_sats) / static_cast<double>(blocks()) /
         static_cast<double>(rules::kSatsPerBtc);
}

ParseStatus parse_reward_stats(std::string_view body, JsonParser& parser,
                               RewardStats& out) {
  out = RewardStats{};
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  if (auto st = get_int_or_string(doc, "startBlock", out.start_block); st != ParseStatus::kOk) {
    return st;
  }
  if (auto st = get_int_or_string(doc, "endBlock", out.end_block); st != ParseStatus::kOk) {
    return st;
  }
  if (auto st = get_int_or_string(doc, "totalReward", out.total_reward_sats);
      st != ParseStatus::kOk) {
    return st;
  }
  if (auto st = get_int_or_string(doc, "totalFee", out.total_fee_sats); st != ParseStatus::kOk) {
    return st;
  }
  if (out.end_block < out.start_block || out.total_fee_sats < 0) return ParseStatus::kBadValue;
  return ParseStatus::kOk;
}

ParseStatus parse_difficulty_adjustment(std::string_view body, JsonParser& parser,
                                        double& change_pct) {
  simdjson::ondemand::document doc;
  if (auto st = json::open_object(body, parser, doc); st != ParseStatus::kOk) return st;
  return json::get_double(doc, "difficultyChange", change_pct);
}

}  // namespace hashwatch::connectors::mempool
