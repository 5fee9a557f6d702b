// Parses ERCOT public API replies: the Azure AD B2C token response (the id_token is what the API
// wants) and the NP6-905-CD settlement point price report, whose `data` rows are arrays mapped to
// columns by the `fields` names (case-insensitively; DSTFlag as a JSON boolean or "Y"/"N").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"

namespace hashwatch::connectors::ercot {

struct SppRow {
  int year = 0;
  unsigned month = 0, day = 0;  // delivery date (Central)
  int hour_ending = 0;          // 1..24
  int interval = 0;             // 1..4
  std::string point;            // settlement point, e.g. HB_WEST
  double price_usd_per_mwh = 0.0;
  bool dst_flag = false;        // the second (standard-time) pass of the repeated hour
};

struct ReportPage {
  std::vector<SppRow> rows;
  int current_page = 1;
  int total_pages = 1;
};

// `body` must be followed by kFramePadding readable bytes.
ParseStatus parse_spp_report(std::string_view body, JsonParser& parser, ReportPage& out);

struct Token {
  std::string id_token;
  std::int64_t expires_in_s = 3600;
};
// The B2C token reply; an {"error":...} reply is kBadValue with `error` set to its description.
ParseStatus parse_token(std::string_view body, JsonParser& parser, Token& out, std::string& error);

}  // namespace hashwatch::connectors::ercot
