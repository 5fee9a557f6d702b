// bitcoind JSON-RPC and the Hashrate Index API, served from tests/fixtures.
#include <boost/json.hpp>

#include "tools/feedsim/exchange_formats.h"
#include "tools/feedsim/format.h"

namespace hashwatch::feedsim {
namespace json = boost::json;
namespace {

// bitcoind at /bitcoind/ (POST /, Basic auth with the fixture cookie). getblockstats answers for
// any height up to the tip with totalfee = 3,000,000 + (height mod 7) * 100,000 sat (the fixture's
// own value at 903,580), so a fee window can be checked by hand. Control: `newblock` advances the
// tip, `warmup` / `ready` toggle the -28 warm-up answer.
class BitcoindFormat final : public RestFormat {
 public:
  explicit BitcoindFormat(const SimOptions& options) {
    const std::string dir = options.fixtures_dir + "/bitcoind/";
    cookie_ = read_file(dir + "cookie.txt");
    while (!cookie_.empty() && (cookie_.back() == '\n' || cookie_.back() == '\r')) cookie_.pop_back();
    chain_info_ = json::parse(read_file(dir + "getblockchaininfo.json")).as_object();
    mining_info_ = json::parse(read_file(dir + "getmininginfo.json")).as_object();
    tip_ = chain_info_["result"].as_object()["blocks"].as_int64();
  }

  static std::int64_t fees_at(std::int64_t height) { return 3'000'000 + (height % 7) * 100'000; }

  std::string_view name() const override { return "bitcoind"; }

  std::optional<RestResponse> control(std::string_view action, std::string_view) override {
    if (action == "newblock") {
      ++tip_;
    } else if (action == "warmup") {
      warmup_ = true;
    } else if (action == "ready") {
      warmup_ = false;
    } else {
      return std::nullopt;
    }
    return RestResponse{200, "application/json", R"({"tip":)" + std::to_string(tip_) + "}"};
  }

  RestResponse handle(const RestRequest& request) override {
    if (request.method != "POST") return {405, "text/plain", ""};
    if (request.authorization != "Basic " + base64(cookie_)) return {401, "text/plain", ""};
    json::error_code ec;
    json::value v = json::parse(request.body, ec);
    if (ec || !v.is_object()) {
      return {500, "application/json", R"({"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null})"};
    }
    const json::object& o = v.as_object();
    const bool v2 = o.contains("jsonrpc") && o.at("jsonrpc") == "2.0";
    const json::value id = o.contains("id") ? o.at("id") : json::value(nullptr);
    const std::string method = o.contains("method") ? std::string(o.at("method").as_string()) : "";
    auto reply = [&](json::value result) {
      json::object r;
      if (v2) r["jsonrpc"] = "2.0";
      r["result"] = std::move(result);
      if (!v2) r["error"] = nullptr;
      r["id"] = id;
      return RestResponse{200, "application/json", json::serialize(r)};
    };
    auto error = [&](int code, const std::string& message) {
      json::object r;
      if (v2) r["jsonrpc"] = "2.0";
      if (!v2) r["result"] = nullptr;
      r["error"] = json::object{{"code", code}, {"message", message}};
      r["id"] = id;
      // Legacy errors come with HTTP 500 (404 for an unknown method); JSON-RPC 2.0 with 200.
      return RestResponse{v2 ? 200u : (code == -32601 ? 404u : 500u), "application/json", json::serialize(r)};
    };
    if (warmup_) return error(-28, "Loading block index\u2026");
    if (method == "getblockchaininfo") {
      json::object r = chain_info_["result"].as_object();
      r["blocks"] = tip_;
      r["headers"] = tip_;
      return reply(r);
    }
    if (method == "getmininginfo") {
      json::object r = mining_info_["result"].as_object();
      r["blocks"] = tip_;
      return reply(r);
    }
    if (method == "getblockstats") {
      const json::value* params = o.if_contains("params");
      if (params == nullptr || !params->is_array() || params->as_array().empty() ||
          !params->as_array()[0].is_int64()) {
        return error(-1, "getblockstats hash_or_height ( stats )");
      }
      const std::int64_t h = params->as_array()[0].as_int64();
      if (h > tip_) {
        return error(-8, "Target block height " + std::to_string(h) + " after current tip " + std::to_string(tip_));
      }
      return reply(json::object{{"height", h}, {"subsidy", 312500000}, {"totalfee", fees_at(h)}});
    }
    return error(-32601, "Method not found");
  }

 private:
  static std::string base64(std::string_view in) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t buf = 0;
    int bits = 0;
    for (unsigned char c : in) {
      buf = (buf << 8) | c;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out += kAlphabet[(buf >> bits) & 63];
      }
    }
    if (bits > 0) out += kAlphabet[(buf << (6 - bits)) & 63];
    while (out.size() % 4 != 0) out += '=';
    return out;
  }

  std::string cookie_;
  json::object chain_info_, mining_info_;
  std::int64_t tip_ = 0;
  bool warmup_ = false;
};

// Hashrate Index at /hashrateindex/ (GET /hashprice?..., X-Hi-Api-Key required).
class HashrateIndexFormat final : public RestFormat {
 public:
  explicit HashrateIndexFormat(const SimOptions& options) {
    const std::string dir = options.fixtures_dir + "/hashrateindex/";
    series_ = read_file(dir + "v1_hashprice_span1D_bucket15m_USD_PHS_excerpt.json");
    current_ = read_file(dir + "v1_hashprice_current_PHS.json");
    unauthorized_ = read_file(dir + "error_401.json");
  }
  std::string_view name() const override { return "hashrateindex"; }
  RestResponse handle(const RestRequest& request) override {
    if (request.api_key.empty()) return {401, "application/json", unauthorized_};
    if (request.path == "/hashprice") return {200, "application/json", series_};
    if (request.path == "/hashprice/current") return {200, "application/json", current_};
    return {404, "application/json", R"({"statusCode": 404, "message": "Not Found"})"};
  }

 private:
  std::string series_, current_, unauthorized_;
};

}  // namespace

std::unique_ptr<RestFormat> make_bitcoind_format(const SimOptions& options) {
  return std::make_unique<BitcoindFormat>(options);
}

std::unique_ptr<RestFormat> make_hashrateindex_format(const SimOptions& options) {
  return std::make_unique<HashrateIndexFormat>(options);
}

}  // namespace hashwatch::feedsim
