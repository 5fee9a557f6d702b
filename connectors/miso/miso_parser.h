// Parses MISO real-time ex-post LMP replies: the public no-key API
// (public-api.misoenergy.org/api/MarketPricing/GetRealTimeFiveMinExPost/{Current,Rolling}) and the
// keyed Data Exchange API (apim.misoenergy.org/pricing/v1/real-time/<date>/lmp-expost). MISO market
// time is EST all year (fixed UTC-5, no DST): 12:00 in the data is 17:00 UTC.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_status.h"
#include "rules/time.h"

namespace hashwatch::connectors::miso {

struct Price {
  std::string node;  // CPnode, e.g. INDIANA.HUB
  TimeNs interval_start_ns = 0;  // the interval is 5 minutes long
  double price_usd_per_mwh = 0.0;
};

// {"headers":["INTERVAL","CPNODE","LMP",...],"data":[[...],...]}: cells are mapped by the header
// names (in any order, `headers` before or after `data`), values may be strings or numbers.
// `out` is cleared first. `body` must be followed by kFramePadding readable bytes.
ParseStatus parse_public_api(std::string_view body, JsonParser& parser, std::vector<Price>& out);

// {"data":[{"node","lmp","timeInterval":{"start":"2025-07-01 12:00:00.000",...}}],
//  "page":{"lastPage":...}}: `last_page` is page.lastPage (true when there is no `page`).
// `out` is cleared first. `body` must be followed by kFramePadding readable bytes.
ParseStatus parse_apim(std::string_view body, JsonParser& parser, std::vector<Price>& out,
                       bool& last_page);

}  // namespace hashwatch::connectors::miso
