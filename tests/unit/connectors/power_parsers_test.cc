// Power-market price parsers (CAISO OASIS, PJM Data Miner 2, MISO) against the recorded fixtures
// (POWER.md sections 2-4) and malformed variants of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "connectors/caiso/caiso_parser.h"
#include "connectors/miso/miso_parser.h"
#include "connectors/pjm/pjm_parser.h"
#include "tests/support/fixtures.h"

namespace hashwatch::connectors {
namespace {

using hashwatch::testing::PaddedFrame;
using hashwatch::testing::read_fixture;

// 2025-07-01T17:00:00Z = 1751371200 (12:00Z) + 5 h; it is 10:00 PDT (CAISO), 13:00 EDT (PJM) and
// 12:00 EST (MISO market time).
constexpr TimeNs k1700Utc = 1751389200 * kNsPerSecond;
constexpr TimeNs kFiveMinutes = 5 * kNsPerMinute;

// Fixtures (tests/fixtures/, copied from the shared feed notes).
constexpr const char* kIntervalZip = "caiso/PRC_INTVL_LMP_20250701T17-00_v3.zip";
constexpr const char* kFifteenMinuteZip = "caiso/PRC_RTPD_LMP_20250701T17-00_v3.zip";
constexpr const char* kIntervalCsv = "caiso/PRC_INTVL_LMP_LMP.csv";
constexpr const char* kPjmUnverified =
    "pjm/rt_unverified_fivemin_lmps_WESTERN_HUB_2025-07-01T13-00EPT.json";
constexpr const char* kPjmVerified = "pjm/rt_fivemin_hrl_lmps_WESTERN_HUB_2025-07-01T13-00EPT.json";
constexpr const char* kMisoCurrent =
    "miso/GetRealTimeFiveMinExPost_Current_excerpt_2025-07-01T12-00EST.json";
constexpr const char* kMisoRolling =
    "miso/GetRealTimeFiveMinExPost_Rolling_excerpt_2025-07-01.json";
constexpr const char* kMisoApim =
    "miso/apim_pricing_v1_real-time_2025-07-01_lmp-expost_5min_excerpt.json";

std::string replace_first(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// ---- CAISO OASIS --------------------------------------------------------------------------------

constexpr const char* kNp15 = "TH_NP15_GEN-APND";
constexpr const char* kSp15 = "TH_SP15_GEN-APND";

// PRC_INTVL_LMP: three 5-minute intervals from 17:00Z for NP15, then the same for SP15.
void expect_interval_lmps(const std::vector<caiso::Price>& prices) {
  ASSERT_EQ(prices.size(), 6u);
  const double lmp[] = {24.81, 23.96, 22.47, 19.33, 18.74, 17.95};
  for (std::size_t i = 0; i < prices.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(prices[i].node, i < 3 ? kNp15 : kSp15);
    const TimeNs start = k1700Utc + static_cast<TimeNs>(i % 3) * kFiveMinutes;
    EXPECT_EQ(prices[i].interval_start_ns, start);
    EXPECT_EQ(prices[i].interval_end_ns, start + kFiveMinutes);
    EXPECT_EQ(prices[i].price_usd_per_mwh, lmp[i]);
  }
}

TEST(CaisoParser, IntervalLmpCsvGivesThreeFiveMinuteIntervalsPerHub) {
  std::vector<caiso::Price> prices;
  ASSERT_EQ(caiso::parse_oasis_csv(read_fixture(kIntervalCsv), prices), ParseStatus::kOk);
  expect_interval_lmps(prices);
}

TEST(CaisoParser, IntervalLmpZipKeepsOnlyTotalLmpRows) {
  std::string csv, error;
  ASSERT_EQ(caiso::unzip_oasis(read_fixture(kIntervalZip), csv, error),
            caiso::ZipResult::kCsv);
  EXPECT_TRUE(error.empty());
  // Five deflated members (LMP, MCE, MCC, MCL, MGHG), each a header and 6 rows; LMP comes first.
  const std::string lmp_member = read_fixture(kIntervalCsv);
  EXPECT_EQ(csv.substr(0, lmp_member.size()), lmp_member);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 35);
  EXPECT_NE(csv.find(",MCE,LMP_ENE_PRC,"), std::string::npos);
  EXPECT_NE(csv.find(",MGHG,LMP_GHG_PRC,"), std::string::npos);
  std::vector<caiso::Price> prices;
  ASSERT_EQ(caiso::parse_oasis_csv(csv, prices), ParseStatus::kOk);
  expect_interval_lmps(prices);  // 24.81 = MCE 26.02 + MCC -0.71 + MCL -0.5 + MGHG 0, not 26.02
}

TEST(CaisoParser, FifteenMinuteZipReadsThePrcColumn) {
  std::string csv, error;
  ASSERT_EQ(caiso::unzip_oasis(read_fixture(kFifteenMinuteZip), csv, error),
            caiso::ZipResult::kCsv);
  const std::string lmp_member = read_fixture("caiso/PRC_RTPD_LMP_LMP.csv");
  EXPECT_EQ(csv.substr(0, lmp_member.size()), lmp_member);
  std::vector<caiso::Price> prices;
  ASSERT_EQ(caiso::parse_oasis_csv(csv, prices), ParseStatus::kOk);
  ASSERT_EQ(prices.size(), 2u);
  EXPECT_EQ(prices[0].node, kNp15);
  EXPECT_EQ(prices[0].interval_start_ns, k1700Utc);
  EXPECT_EQ(prices[0].interval_end_ns, k1700Utc + 15 * kNsPerMinute);
  EXPECT_EQ(prices[0].price_usd_per_mwh, 24.81);
  EXPECT_EQ(prices[1].node, kSp15);
  EXPECT_EQ(prices[1].interval_end_ns, k1700Utc + 15 * kNsPerMinute);
  EXPECT_EQ(prices[1].price_usd_per_mwh, 19.33);
}

TEST(CaisoParser, NoDataZipIsErrorXmlWithItsDescription) {
  std::string csv, error;
  EXPECT_EQ(caiso::unzip_oasis(read_fixture("caiso/error_no_data_INVALID_REQUEST.xml.zip"), csv,
                               error),
            caiso::ZipResult::kErrorXml);
  EXPECT_EQ(error, "No data returned for the specified selection");
  EXPECT_TRUE(csv.empty());
}

TEST(CaisoParser, BodyWithoutZipMagicIsNotZip) {
  std::string csv, error;
  // The throttle can arrive as 200 OK with an HTML page.
  EXPECT_EQ(caiso::unzip_oasis("<html><body>Too many requests</body></html>", csv, error),
            caiso::ZipResult::kNotZip);
  EXPECT_EQ(caiso::unzip_oasis("", csv, error), caiso::ZipResult::kNotZip);
  EXPECT_EQ(caiso::unzip_oasis(read_fixture("caiso/error_no_data_INVALID_REQUEST.xml"), csv, error),
            caiso::ZipResult::kNotZip);
  EXPECT_EQ(caiso::unzip_oasis(read_fixture(kIntervalCsv), csv, error),
            caiso::ZipResult::kNotZip);
}

TEST(CaisoParser, TruncatedOrDamagedZipIsCorrupt) {
  const std::string zip = read_fixture(kIntervalZip);
  std::string csv, error;
  EXPECT_EQ(caiso::unzip_oasis(zip.substr(0, 200), csv, error), caiso::ZipResult::kCorrupt);
  EXPECT_EQ(caiso::unzip_oasis(zip.substr(0, 20), csv, error), caiso::ZipResult::kCorrupt);
  std::string damaged = zip;
  damaged[0x60] = static_cast<char>(damaged[0x60] ^ 0x55);  // inside the first deflate stream
  EXPECT_EQ(caiso::unzip_oasis(damaged, csv, error), caiso::ZipResult::kCorrupt);
  EXPECT_EQ(caiso::unzip_oasis("PK\x05\x06", csv, error), caiso::ZipResult::kCorrupt);  // no member
}

std::string le16(std::uint32_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff)};
}
std::string le32(std::uint32_t v) { return le16(v & 0xffff) + le16(v >> 16); }

// One stored member written the streaming way (general purpose bit 3): zero CRC and sizes in the
// local header, the real ones in a data descriptor after the data and in the central directory.
std::string streamed_zip(std::string_view name, std::string_view content, std::uint32_t crc) {
  const auto size = static_cast<std::uint32_t>(content.size());
  const auto name_size = static_cast<std::uint32_t>(name.size());
  std::string local = le32(0x04034b50) + le16(20) + le16(0x0008) + le16(0) + le16(0) + le16(0) +
                      le32(0) + le32(0) + le32(0) + le16(name_size) + le16(0);
  local.append(name).append(content);
  local += le32(0x08074b50) + le32(crc) + le32(size) + le32(size);
  std::string central = le32(0x02014b50) + le16(20) + le16(20) + le16(0x0008) + le16(0) +
                        le16(0) + le16(0) + le32(crc) + le32(size) + le32(size) +
                        le16(name_size) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) +
                        le32(0);
  central.append(name);
  const std::string end = le32(0x06054b50) + le16(0) + le16(0) + le16(1) + le16(1) +
                          le32(static_cast<std::uint32_t>(central.size())) +
                          le32(static_cast<std::uint32_t>(local.size())) + le16(0);
  return local + central + end;
}

TEST(CaisoParser, DataDescriptorSizesComeFromTheCentralDirectory) {
  // A made-up minimal member; 0xab426f12 is its CRC-32.
  const std::string content =
      "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,NODE,LMP_TYPE,PRC\n"
      "2025-07-01T17:00:00-00:00,2025-07-01T17:15:00-00:00,TH_ZP26_GEN-APND,LMP,21.07\n";
  std::string csv, error;
  ASSERT_EQ(caiso::unzip_oasis(streamed_zip("a_LMP_v3.csv", content, 0xab426f12), csv, error),
            caiso::ZipResult::kCsv);
  EXPECT_EQ(csv, content);
  std::vector<caiso::Price> prices;
  ASSERT_EQ(caiso::parse_oasis_csv(csv, prices), ParseStatus::kOk);
  ASSERT_EQ(prices.size(), 1u);
  EXPECT_EQ(prices[0].node, "TH_ZP26_GEN-APND");
  EXPECT_EQ(prices[0].interval_start_ns, k1700Utc);
  EXPECT_EQ(prices[0].price_usd_per_mwh, 21.07);
  EXPECT_EQ(caiso::unzip_oasis(streamed_zip("a_LMP_v3.csv", content, 0xab426f13), csv, error),
            caiso::ZipResult::kCorrupt);  // CRC mismatch
}

TEST(CaisoParser, DayAheadMwColumnAndNodeIdFallback) {
  // PRC_LMP puts OPR_INTERVAL before NODE_ID_XML and names the value MW; this header has no NODE.
  const std::string csv =
      "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,NODE_ID_XML,NODE_ID,"
      "MARKET_RUN_ID,LMP_TYPE,XML_DATA_ITEM,PNODE_RESMRID,GRP_TYPE,POS,MW,GROUP\n"
      "2025-07-01T17:00:00-00:00,2025-07-01T18:00:00-00:00,2025-07-01,11,0,TH_NP15_GEN-APND,"
      "TH_NP15_GEN-APND,DAM,MCE,LMP_ENE_PRC,TH_NP15_GEN-APND,ALL,1,30.25,1\n"
      "2025-07-01T17:00:00-00:00,2025-07-01T18:00:00-00:00,2025-07-01,11,0,TH_NP15_GEN-APND,"
      "TH_NP15_GEN-APND,DAM,LMP,LMP_PRC,TH_NP15_GEN-APND,ALL,1,31.5,1\n";
  std::vector<caiso::Price> prices;
  ASSERT_EQ(caiso::parse_oasis_csv(csv, prices), ParseStatus::kOk);
  ASSERT_EQ(prices.size(), 1u);
  EXPECT_EQ(prices[0].node, kNp15);
  EXPECT_EQ(prices[0].interval_end_ns, k1700Utc + kNsPerHour);
  EXPECT_EQ(prices[0].price_usd_per_mwh, 31.5);
}

TEST(CaisoParser, CrLfLinesAndRepeatedHeaderAreAccepted) {
  const std::string csv = read_fixture(kIntervalCsv);
  std::string crlf;
  for (char c : csv) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  std::vector<caiso::Price> prices;
  ASSERT_EQ(caiso::parse_oasis_csv(crlf + csv, prices), ParseStatus::kOk);
  ASSERT_EQ(prices.size(), 12u);
  expect_interval_lmps({prices.begin(), prices.begin() + 6});
  expect_interval_lmps({prices.begin() + 6, prices.end()});
}

TEST(CaisoParser, MissingColumnIsMissingField) {
  const std::string csv = read_fixture(kIntervalCsv);
  std::vector<caiso::Price> prices;
  EXPECT_EQ(caiso::parse_oasis_csv(replace_first(csv, ",VALUE,", ",AMOUNT,"), prices),
            ParseStatus::kMissingField);
  EXPECT_EQ(caiso::parse_oasis_csv(replace_first(csv, ",LMP_TYPE,", ",KIND,"), prices),
            ParseStatus::kMissingField);
  EXPECT_EQ(caiso::parse_oasis_csv(replace_first(csv, "INTERVALENDTIME_GMT", "END"), prices),
            ParseStatus::kMissingField);
  // A row cut short before the VALUE column.
  EXPECT_EQ(caiso::parse_oasis_csv(csv + "2025-07-01T17:15:00-00:00,2025-07-01T17:20:00-00:00,"
                                         "2025-07-01,11,TH_NP15_GEN-APND,TH_NP15_GEN-APND,"
                                         "TH_NP15_GEN-APND,RTM,LMP\n",
                                   prices),
            ParseStatus::kMissingField);
}

TEST(CaisoParser, MalformedPriceOrTimeIsWrongTypeAndInvertedIntervalIsBadValue) {
  const std::string csv = read_fixture(kIntervalCsv);
  std::vector<caiso::Price> prices;
  EXPECT_EQ(caiso::parse_oasis_csv(replace_first(csv, ",24.81,", ",n/a,"), prices),
            ParseStatus::kWrongType);
  EXPECT_EQ(caiso::parse_oasis_csv(replace_first(csv, ",24.81,", ",,"), prices),
            ParseStatus::kWrongType);
  // The request's time format is not the CSV's.
  EXPECT_EQ(caiso::parse_oasis_csv(
                replace_first(csv, "2025-07-01T17:00:00-00:00", "20250701T17:00-0000"), prices),
            ParseStatus::kWrongType);
  EXPECT_EQ(caiso::parse_oasis_csv(replace_first(csv, "2025-07-01T17:05:00-00:00,2025-07-01,",
                                                 "2025-07-01T16:55:00-00:00,2025-07-01,"),
                                   prices),
            ParseStatus::kBadValue);
}

TEST(CaisoParser, EmptyOrHtmlTextIsMissingField) {
  std::vector<caiso::Price> prices;
  EXPECT_EQ(caiso::parse_oasis_csv("", prices), ParseStatus::kMissingField);
  EXPECT_EQ(caiso::parse_oasis_csv("<html><body>busy</body></html>\n", prices),
            ParseStatus::kMissingField);
  // A header with no rows is a valid empty answer.
  const std::string csv = read_fixture(kIntervalCsv);
  EXPECT_EQ(caiso::parse_oasis_csv(csv.substr(0, csv.find('\n') + 1), prices), ParseStatus::kOk);
  EXPECT_TRUE(prices.empty());
}

// ---- PJM Data Miner 2 ---------------------------------------------------------------------------

class PjmParser : public ::testing::Test {
 protected:
  JsonParserPtr json = make_json_parser();
  std::vector<pjm::Price> prices;
  std::int64_t total_rows = -1;
  std::string next_href = "stale";

  ParseStatus parse(const std::string& body) {
    PaddedFrame f(body);  // freed before the assertions: names must have been copied
    return pjm::parse_lmps(f.view(), *json, prices, total_rows, next_href);
  }
  // 13:00-13:10 EPT at WESTERN HUB (the same values in the unverified and verified feeds).
  void expect_western_hub() {
    ASSERT_EQ(prices.size(), 3u);
    const double lmp[] = {44.87, 46.35, 45.18};
    for (std::size_t i = 0; i < prices.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(prices[i].pnode_id, 51288);
      EXPECT_EQ(prices[i].pnode_name, "WESTERN HUB");
      EXPECT_EQ(prices[i].interval_start_ns, k1700Utc + static_cast<TimeNs>(i) * kFiveMinutes);
      EXPECT_EQ(prices[i].price_usd_per_mwh, lmp[i]);
    }
    EXPECT_EQ(total_rows, 3);
    EXPECT_EQ(next_href, "");
  }
};

TEST_F(PjmParser, UnverifiedFiveMinuteLmpsUseTheUtcBeginning) {
  ASSERT_EQ(parse(read_fixture(kPjmUnverified)), ParseStatus::kOk);
  expect_western_hub();
}

TEST_F(PjmParser, VerifiedFiveMinuteLmpsWithNullFieldsGiveTheSamePrices) {
  ASSERT_EQ(parse(read_fixture(kPjmVerified)), ParseStatus::kOk);
  expect_western_hub();
}

TEST_F(PjmParser, NextLinkIsReturnedForTheFollowingPage) {
  ASSERT_EQ(parse(R"({"links":[{"rel":"self","href":"https://api.pjm.com/api/v1/x?StartRow=1"},)"
                  R"({"rel":"next","href":"https://api.pjm.com/api/v1/x?StartRow=50001"},)"
                  R"({"rel":"metadata","href":"https://api.pjm.com/api/v1/x/metadata"}],)"
                  R"("items":[],"totalRows":60000})"),
            ParseStatus::kOk);
  EXPECT_TRUE(prices.empty());
  EXPECT_EQ(total_rows, 60000);
  EXPECT_EQ(next_href, "https://api.pjm.com/api/v1/x?StartRow=50001");
}

TEST_F(PjmParser, DayAheadTotalLmpAndKeysInAnyOrder) {
  ASSERT_EQ(parse(R"({"totalRows":1,"items":[{"total_lmp_da":41.5,"pnode_name":"WESTERN HUB",)"
                  R"("pnode_id":51288,"datetime_beginning_utc":"2025-07-01T17:00:00"}]})"),
            ParseStatus::kOk);
  ASSERT_EQ(prices.size(), 1u);
  EXPECT_EQ(prices[0].interval_start_ns, k1700Utc);
  EXPECT_EQ(prices[0].price_usd_per_mwh, 41.5);
  EXPECT_EQ(total_rows, 1);
}

TEST_F(PjmParser, ErrorsBodyIsBadValue) {
  EXPECT_EQ(parse(R"({"errors":[{"field":"datetime_beginning_ept","message":"Invalid filter"}]})"),
            ParseStatus::kBadValue);
}

TEST_F(PjmParser, ApimErrorBodiesHaveNoItems) {
  EXPECT_EQ(parse(read_fixture("pjm/error_401_missing_subscription_key.json")),
            ParseStatus::kMissingField);
  EXPECT_EQ(parse(read_fixture("pjm/error_429_rate_limit.json")), ParseStatus::kMissingField);
}

TEST_F(PjmParser, TruncatedIsNotJson) {
  const std::string body = read_fixture(kPjmUnverified);
  EXPECT_EQ(parse(body.substr(0, body.find("WESTERN HUB") + 7)), ParseStatus::kNotJson);
}

TEST_F(PjmParser, MalformedItemsAreMissingFieldOrWrongType) {
  const std::string body = read_fixture(kPjmUnverified);
  EXPECT_EQ(parse(replace_first(body, "\"total_lmp_rt\"", "\"lmp\"")), ParseStatus::kMissingField);
  EXPECT_EQ(parse(replace_first(body, "\"datetime_beginning_utc\"", "\"start\"")),
            ParseStatus::kMissingField);
  EXPECT_EQ(parse(replace_first(body, "\"pnode_id\": 51288", "\"pnode_id\": \"51288\"")),
            ParseStatus::kWrongType);
  EXPECT_EQ(parse(replace_first(body, "\"total_lmp_rt\": 44.87", "\"total_lmp_rt\": \"44.87\"")),
            ParseStatus::kWrongType);
  // The request's filter format is not a timestamp.
  EXPECT_EQ(parse(replace_first(body, "\"2025-07-01T17:00:00\"", "\"07/01/2025 13:00\"")),
            ParseStatus::kWrongType);
}

// ---- MISO ---------------------------------------------------------------------------------------

const char* const kMisoHubs[] = {"ARKANSAS.HUB", "ILLINOIS.HUB", "INDIANA.HUB", "LOUISIANA.HUB",
                                 "MICHIGAN.HUB", "MINN.HUB",     "MS.HUB",      "TEXAS.HUB"};
// 12:00 EST = 17:00 UTC.
const double kMisoNoon[] = {27.41, 33.02, 36.58, 30.96, 38.12, 25.77, 30.15, 29.40};
// 11:55 EST = 16:55 UTC.
const double kMisoFiveToNoon[] = {26.54, 32.15, 35.71, 30.09, 37.25, 24.90, 29.28, 28.53};

class MisoParser : public ::testing::Test {
 protected:
  JsonParserPtr json = make_json_parser();
  std::vector<miso::Price> prices;

  ParseStatus parse_public(const std::string& body) {
    PaddedFrame f(body);
    return miso::parse_public_api(f.view(), *json, prices);
  }
  ParseStatus parse_apim(const std::string& body, bool& last_page) {
    PaddedFrame f(body);
    return miso::parse_apim(f.view(), *json, prices, last_page);
  }
  void expect_hubs(std::size_t first, TimeNs start, const double (&lmp)[8]) {
    ASSERT_GE(prices.size(), first + 8);
    for (std::size_t i = 0; i < 8; ++i) {
      SCOPED_TRACE(kMisoHubs[i]);
      EXPECT_EQ(prices[first + i].node, kMisoHubs[i]);
      EXPECT_EQ(prices[first + i].interval_start_ns, start);
      EXPECT_EQ(prices[first + i].price_usd_per_mwh, lmp[i]);
    }
  }
};

TEST_F(MisoParser, CurrentIntervalNoonEstIsFivePmUtc) {
  ASSERT_EQ(parse_public(read_fixture(kMisoCurrent)), ParseStatus::kOk);
  ASSERT_EQ(prices.size(), 8u);
  expect_hubs(0, k1700Utc, kMisoNoon);
}

TEST_F(MisoParser, RollingHasEveryIntervalSoFar) {
  ASSERT_EQ(parse_public(read_fixture(kMisoRolling)), ParseStatus::kOk);
  ASSERT_EQ(prices.size(), 16u);
  expect_hubs(0, k1700Utc - kFiveMinutes, kMisoFiveToNoon);
  expect_hubs(8, k1700Utc, kMisoNoon);
}

TEST_F(MisoParser, HeadersAfterDataAndNumericCellsAreAccepted) {
  ASSERT_EQ(parse_public(R"({"data":[[2.35,36.58,"2025-07-01T12:00:00","INDIANA.HUB"]],)"
                         R"("headers":["MCC","LMP","INTERVAL","CPNODE"]})"),
            ParseStatus::kOk);
  ASSERT_EQ(prices.size(), 1u);
  EXPECT_EQ(prices[0].node, "INDIANA.HUB");
  EXPECT_EQ(prices[0].interval_start_ns, k1700Utc);
  EXPECT_EQ(prices[0].price_usd_per_mwh, 36.58);
}

TEST_F(MisoParser, MissingHeaderOrShortRowIsMissingField) {
  const std::string body = read_fixture(kMisoCurrent);
  EXPECT_EQ(parse_public(replace_first(body, "\"LMP\"", "\"PRICE\"")), ParseStatus::kMissingField);
  EXPECT_EQ(parse_public(replace_first(body, "\"headers\"", "\"columns\"")),
            ParseStatus::kMissingField);
  EXPECT_EQ(parse_public(R"({"headers":["INTERVAL","CPNODE","LMP"],)"
                         R"("data":[["2025-07-01T12:00:00","INDIANA.HUB"]]})"),
            ParseStatus::kMissingField);
}

TEST_F(MisoParser, BadIntervalOrPriceIsWrongType) {
  const std::string body = read_fixture(kMisoCurrent);
  EXPECT_EQ(parse_public(replace_first(body, "\"2025-07-01T12:00:00\"", "\"07/01/2025 12:00\"")),
            ParseStatus::kWrongType);
  EXPECT_EQ(parse_public(replace_first(body, "\"27.41\"", "\"n/a\"")), ParseStatus::kWrongType);
  EXPECT_EQ(parse_public(replace_first(body, "\"27.41\"", "null")), ParseStatus::kWrongType);
}

TEST_F(MisoParser, TruncatedIsNotJson) {
  const std::string body = read_fixture(kMisoCurrent);
  EXPECT_EQ(parse_public(body.substr(0, body.find("INDIANA.HUB") + 4)), ParseStatus::kNotJson);
  bool last_page = false;
  EXPECT_EQ(parse_apim("[]", last_page), ParseStatus::kNotJson);
}

TEST_F(MisoParser, ApimExPostSinglePageIsTheLastPage) {
  bool last_page = false;
  ASSERT_EQ(parse_apim(read_fixture(kMisoApim), last_page), ParseStatus::kOk);
  EXPECT_TRUE(last_page);
  ASSERT_EQ(prices.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(prices[i].node, kMisoHubs[i]);
    EXPECT_EQ(prices[i].interval_start_ns, k1700Utc);  // "2025-07-01 12:00:00.000" EST
    EXPECT_EQ(prices[i].price_usd_per_mwh, kMisoNoon[i]);
  }
}

TEST_F(MisoParser, ApimMorePagesAndStringLmp) {
  bool last_page = true;
  ASSERT_EQ(parse_apim(R"({"data":[{"node":"MINN.HUB","lmp":"25.77","timeInterval":)"
                       R"({"resolution":"5min","start":"2025-07-01 11:55:00.000"}}],)"
                       R"("page":{"pageNumber":1,"totalPages":2,"lastPage":false}})",
                       last_page),
            ParseStatus::kOk);
  EXPECT_FALSE(last_page);
  ASSERT_EQ(prices.size(), 1u);
  EXPECT_EQ(prices[0].node, "MINN.HUB");
  EXPECT_EQ(prices[0].interval_start_ns, k1700Utc - kFiveMinutes);
  EXPECT_EQ(prices[0].price_usd_per_mwh, 25.77);
  ASSERT_EQ(parse_apim(R"({"data":[]})", last_page), ParseStatus::kOk);
  EXPECT_TRUE(last_page);  // no `page`: the only page
}

TEST_F(MisoParser, ApimMalformedItemsAreMissingFieldOrWrongType) {
  const std::string body = read_fixture(kMisoApim);
  bool last_page = false;
  EXPECT_EQ(parse_apim(replace_first(body, "\"timeInterval\"", "\"interval\""), last_page),
            ParseStatus::kMissingField);
  EXPECT_EQ(parse_apim(replace_first(body, "\"lmp\": 27.41", "\"lmp\": true"), last_page),
            ParseStatus::kWrongType);
  EXPECT_EQ(parse_apim(replace_first(body, "\"lastPage\": true", "\"lastPage\": 1"), last_page),
            ParseStatus::kWrongType);
}

}  // namespace
}  // namespace hashwatch::connectors
