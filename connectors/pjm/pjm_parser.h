// Parses PJM Data Miner 2 LMP replies (rt_unverified_fivemin_lmps, rt_fivemin_hrl_lmps,
// rt_hrl_lmps, da_hrl_lmps): {"links":[{"rel","href"}],"items":[{...}],"totalRows":N}. The
// interval start is `datetime_beginning_utc`, which is UTC written without an offset; `_ept` is
// ignored (it is ambiguous in the fall-back hour).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"
#include "rules/time.h"

namespace hashwatch::connectors::pjm {

struct Price {
  std::int64_t pnode_id = 0;  // e.g. 51288 (WESTERN HUB)
  std::string pnode_name;     // empty when the reply's field list left it out
  TimeNs interval_start_ns = 0;
  double price_usd_per_mwh = 0.0;  // total_lmp_rt, or total_lmp_da for day-ahead feeds
};

// `out` is cleared first. `total_rows` is the reply's totalRows (the item count when absent);
// `next_href` is the href of the link with rel "next", or empty on the last page. A reply carrying
// "errors" is kBadValue; one without "items" (e.g. the APIM 401/429 bodies) is kMissingField.
// `body` must be followed by kFramePadding readable bytes.
ParseStatus parse_lmps(std::string_view body, JsonParser& parser, std::vector<Price>& out,
                       std::int64_t& total_rows, std::string& next_href);

}  // namespace hashwatch::connectors::pjm
