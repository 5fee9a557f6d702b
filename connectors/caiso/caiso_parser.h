// Parses CAISO OASIS SingleZip replies (resultformat=6): a zip holding one CSV per LMP_TYPE (LMP,
// MCE, MCC, MCL, MGHG), or INVALID_REQUEST.xml when there is no data. Only the *_GMT columns are
// used, so Pacific DST never matters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "connectors/common/parse_status.h"
#include "rules/time.h"

namespace hashwatch::connectors::caiso {

struct Price {
  std::string node;  // e.g. TH_NP15_GEN-APND
  TimeNs interval_start_ns = 0;
  TimeNs interval_end_ns = 0;
  double price_usd_per_mwh = 0.0;
};

// Rows with LMP_TYPE == "LMP" (the total price), in file order; `out` is cleared first. Columns
// are mapped by header name: INTERVALSTARTTIME_GMT, INTERVALENDTIME_GMT, NODE (or NODE_ID),
// LMP_TYPE and the value column VALUE (PRC_INTVL_LMP), PRC (PRC_RTPD_LMP) or MW (PRC_LMP). A header
// line may repeat (members of one zip joined); CRLF line ends are accepted. kMissingField for a
// missing column or short row, kWrongType for an unparsable time or price, kBadValue for
// end <= start.
ParseStatus parse_oasis_csv(std::string_view csv, std::vector<Price>& out);

enum class ZipResult { kCsv, kErrorXml, kNotZip, kCorrupt };

// kCsv: every *.csv member, stored or deflated, joined in zip order into `csv_out`. kErrorXml: a
// *.xml member (OASIS "no data" / bad request); `error_out` holds its ERR_DESC text. kNotZip: the
// body does not start with "PK" (e.g. the HTML throttle page). kCorrupt: truncated, bad CRC, an
// unsupported method, or no CSV member.
ZipResult unzip_oasis(std::string_view body, std::string& csv_out, std::string& error_out);

}  // namespace hashwatch::connectors::caiso
