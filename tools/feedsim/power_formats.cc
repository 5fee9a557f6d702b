// CAISO OASIS, PJM Data Miner 2 and MISO's public API, served from tests/fixtures. Each answers
// with its recorded interval(s) whatever the window asked: a market that published once and then
// stopped, so clients must notice that nothing new arrives.
#include "tools/feedsim/exchange_formats.h"
#include "tools/feedsim/format.h"

namespace hashwatch::feedsim {
namespace {

class CaisoFormat final : public RestFormat {
 public:
  explicit CaisoFormat(const SimOptions& options) {
    const std::string dir = options.fixtures_dir + "/caiso/";
    rtd_ = read_file(dir + "PRC_INTVL_LMP_20250701T17-00_v3.zip");
    fmm_ = read_file(dir + "PRC_RTPD_LMP_20250701T17-00_v3.zip");
    no_data_ = read_file(dir + "error_no_data_INVALID_REQUEST.xml.zip");
  }
  std::string_view name() const override { return "caiso"; }
  std::optional<RestResponse> control(std::string_view action, std::string_view) override {
    if (action == "nodata") no_data_mode_ = true;
    else if (action == "data") no_data_mode_ = false;
    else return std::nullopt;
    return RestResponse{200, "application/json", "{}"};
  }
  RestResponse handle(const RestRequest& request) override {
    if (request.path != "/oasisapi/SingleZip") return {404, "text/plain", "Not Found"};
    if (no_data_mode_) return {200, "application/x-zip-compressed", no_data_};
    const bool fmm = request.query.find("queryname=PRC_RTPD_LMP") != std::string_view::npos;
    return {200, "application/x-zip-compressed", fmm ? fmm_ : rtd_};
  }

 private:
  std::string rtd_, fmm_, no_data_;
  bool no_data_mode_ = false;
};

class PjmFormat final : public RestFormat {
 public:
  explicit PjmFormat(const SimOptions& options) {
    const std::string dir = options.fixtures_dir + "/pjm/";
    lmps_ = read_file(dir + "rt_unverified_fivemin_lmps_WESTERN_HUB_2025-07-01T13-00EPT.json");
    missing_key_ = read_file(dir + "error_401_missing_subscription_key.json");
  }
  std::string_view name() const override { return "pjm"; }
  RestResponse handle(const RestRequest& request) override {
    if (request.subscription_key.empty()) return {401, "application/json", missing_key_};
    if (request.path != "/rt_unverified_fivemin_lmps") return {404, "application/json", R"({"errors":[{"message":"not found"}]})"};
    return {200, "application/json", lmps_};
  }

 private:
  std::string lmps_, missing_key_;
};

class MisoFormat final : public RestFormat {
 public:
  explicit MisoFormat(const SimOptions& options)
      : current_(read_file(options.fixtures_dir + "/miso/GetRealTimeFiveMinExPost_Current_excerpt_2025-07-01T12-00EST.json")) {}
  std::string_view name() const override { return "miso"; }
  RestResponse handle(const RestRequest& request) override {
    if (request.path != "/api/MarketPricing/GetRealTimeFiveMinExPost/Current") return {404, "text/plain", "Not Found"};
    return {200, "application/json", current_};
  }

 private:
  std::string current_;
};

}  // namespace

std::unique_ptr<RestFormat> make_caiso_format(const SimOptions& options) { return std::make_unique<CaisoFormat>(options); }
std::unique_ptr<RestFormat> make_pjm_format(const SimOptions& options) { return std::make_unique<PjmFormat>(options); }
std::unique_ptr<RestFormat> make_miso_format(const SimOptions& options) { return std::make_unique<MisoFormat>(options); }

}  // namespace hashwatch::feedsim
