#include <gtest/gtest.h>

#include "connectors/common/parse_util.h"
#include "connectors/ercot/ercot_feed.h"
#include "connectors/ercot/ercot_parser.h"
#include "tests/support/fixtures.h"
#include "tests/support/recording_sink.h"

namespace hashwatch::connectors::ercot {
namespace {

using hashwatch::testing::PaddedFrame;
using hashwatch::testing::read_fixture;

TimeNs utc(const char* text) { return *parse_rfc3339_ns(text); }

std::string report(const std::string& rows, int page = 1, int pages = 1) {
  return R"({"_meta":{"totalRecords":1,"pageSize":1000,"totalPages":)" + std::to_string(pages) +
         R"(,"currentPage":)" + std::to_string(page) +
         R"(},"fields":[{"name":"deliveryDate"},{"name":"deliveryHour"},{"name":"deliveryInterval"},{"name":"settlementPoint"},{"name":"settlementPointType"},{"name":"settlementPointPrice"},{"name":"DSTFlag"}],"data":[)" +
         rows + "]}";
}

TEST(ErcotParser, ReportPageMapsColumnsByName) {
  auto json = make_json_parser();
  PaddedFrame f(read_fixture("ercot/np6-905-cd_spp_node_zone_hub_2025-07-01_HE13_page1.json"));
  ReportPage page;
  ASSERT_EQ(parse_spp_report(f.view(), *json, page), ParseStatus::kOk);
  EXPECT_EQ(page.current_page, 1);
  EXPECT_EQ(page.total_pages, 2);
  ASSERT_EQ(page.rows.size(), 7u);
  const auto west = std::find_if(page.rows.begin(), page.rows.end(), [](const SppRow& r) { return r.point == "HB_WEST"; });
  ASSERT_NE(west, page.rows.end());
  EXPECT_EQ(west->price_usd_per_mwh, 39.65);  // the real 2025-07-01 12:00-12:15 CDT price
  EXPECT_EQ(west->hour_ending, 13);
  EXPECT_EQ(west->interval, 1);
  EXPECT_EQ(west->year, 2025);
  EXPECT_FALSE(west->dst_flag);
}

TEST(ErcotParser, DstFlagAsStringAndOtherColumnOrder) {
  auto json = make_json_parser();
  PaddedFrame f(R"({"fields":[{"name":"settlementPointName"},{"name":"dstFlag"},{"name":"settlementPointPrice"},{"name":"deliveryInterval"},{"name":"deliveryHour"},{"name":"deliveryDate"}],"data":[["HB_WEST","Y",21.5,1,2,"2024-11-03"]]})");
  ReportPage page;
  ASSERT_EQ(parse_spp_report(f.view(), *json, page), ParseStatus::kOk);
  ASSERT_EQ(page.rows.size(), 1u);
  EXPECT_TRUE(page.rows[0].dst_flag);
  EXPECT_EQ(page.rows[0].hour_ending, 2);
  EXPECT_EQ(page.rows[0].price_usd_per_mwh, 21.5);
}

TEST(ErcotParser, MalformedReports) {
  auto json = make_json_parser();
  ReportPage page;
  PaddedFrame missing(R"({"fields":[{"name":"deliveryDate"}],"data":[]})");
  EXPECT_EQ(parse_spp_report(missing.view(), *json, page), ParseStatus::kMissingField);
  PaddedFrame bad_hour(report(R"(["2025-07-01",25,1,"HB_WEST","HU",1.0,false])"));
  EXPECT_EQ(parse_spp_report(bad_hour.view(), *json, page), ParseStatus::kBadValue);
  PaddedFrame bad_price(report(R"(["2025-07-01",1,1,"HB_WEST","HU","x",false])"));
  EXPECT_EQ(parse_spp_report(bad_price.view(), *json, page), ParseStatus::kWrongType);
  PaddedFrame error(read_fixture("ercot/error_400_bad_parameter.json"));
  EXPECT_NE(parse_spp_report(error.view(), *json, page), ParseStatus::kOk);
}

TEST(ErcotParser, TokenAndSignInError) {
  auto json = make_json_parser();
  Token token;
  std::string error;
  PaddedFrame ok(read_fixture("ercot/b2c_token_response.json"));
  ASSERT_EQ(parse_token(ok.view(), *json, token, error), ParseStatus::kOk);
  EXPECT_TRUE(token.id_token.starts_with("eyJhbGciOiJSUzI1NiIsImtpZCI6IlJFUExBWSJ9.eyJhdWQi"));
  EXPECT_EQ(token.expires_in_s, 3600);
  PaddedFrame bad(read_fixture("ercot/b2c_token_error_bad_password.json"));
  EXPECT_EQ(parse_token(bad.view(), *json, token, error), ParseStatus::kBadValue);
  EXPECT_EQ(error, "invalid_grant: AADB2C90225: The username or password provided in the request are invalid.");
}

class ErcotProtocolTest : public ::testing::Test {
 protected:
  FeedConfig config = [] {
    FeedConfig c = hashwatch::testing::feed_config("ercot", "ercot", &apply_defaults);
    c.symbols = {"HB_WEST"};
    return c;
  }();
  rules::SeriesRegistry registry;
  FeedStats stats;
  hashwatch::testing::RecordingSink sink;
  ErcotProtocol protocol{config, registry, stats, registry.intern_source("ercot")};

  void cycle(TimeNs now, const std::vector<std::string>& pages) {
    protocol.set_now_for_test(now);
    protocol.begin_cycle();
    for (const auto& body : pages) {
      auto req = protocol.next_request();
      ASSERT_TRUE(req);
      requests.push_back(req->target);
      PaddedFrame f(body);
      ASSERT_TRUE(protocol.on_response(200, f.view(), now, sink)) << body;
    }
    EXPECT_FALSE(protocol.next_request());
  }
  std::vector<std::string> requests;
};

TEST_F(ErcotProtocolTest, PagesBecomeIntervalPricesAtUtcStarts) {
  cycle(utc("2025-07-01T17:40:00Z"),
        {read_fixture("ercot/np6-905-cd_spp_node_zone_hub_2025-07-01_HE13_page1.json"),
         read_fixture("ercot/np6-905-cd_spp_node_zone_hub_2025-07-01_HE13_page2.json")});
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0], "/np6-905-cd/spp_node_zone_hub?deliveryDateFrom=2025-07-01&deliveryDateTo=2025-07-01&settlementPoint=HB_WEST&size=1000&page=1");
  EXPECT_TRUE(requests[1].ends_with("&page=2"));
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].value, 39.65);
  EXPECT_EQ(sink.events[0].source_time_ns, utc("2025-07-01T17:00:00Z"));
  EXPECT_EQ(sink.events[1].value, 31.38);
  EXPECT_EQ(sink.events[1].source_time_ns, utc("2025-07-01T17:15:00Z"));
  EXPECT_EQ(sink.events[0].series,
            registry.intern("power_price_usd_per_mwh", {{"market", "ercot"}, {"node", "HB_WEST"}}));
}

TEST_F(ErcotProtocolTest, KnownIntervalsAreNotRepeatedCorrectionsAndGapsAre) {
  const TimeNs now = utc("2025-07-01T18:10:00Z");
  cycle(now, {report(R"(["2025-07-01",13,1,"HB_WEST","HU",39.65,false],["2025-07-01",13,2,"HB_WEST","HU",31.38,false])")});
  EXPECT_EQ(sink.events.size(), 2u);
  // Next poll: the same two rows, interval 2 corrected, and interval 4 (interval 3 missing).
  cycle(now, {report(R"(["2025-07-01",13,1,"HB_WEST","HU",39.65,false],["2025-07-01",13,2,"HB_WEST","HU",30.00,false],["2025-07-01",13,4,"HB_WEST","HU",28.10,false])")});
  ASSERT_EQ(sink.events.size(), 4u);
  EXPECT_EQ(sink.events[2].value, 30.00);  // the correction of the interval in force
  EXPECT_EQ(sink.events[3].value, 28.10);
  EXPECT_EQ(sink.events[3].source_time_ns, utc("2025-07-01T17:45:00Z"));
  EXPECT_EQ(protocol.missing_intervals(), 1u);
  EXPECT_EQ(stats.sequence_gaps.load(), 1u);
}

TEST_F(ErcotProtocolTest, RepeatedHourOnFallBackDayUsesDstFlag) {
  cycle(utc("2024-11-03T09:00:00Z"),
        {report(R"(["2024-11-03",2,4,"HB_WEST","HU",20.0,false],["2024-11-03",2,1,"HB_WEST","HU",21.0,true])")});
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(requests[0].substr(0, 80), "/np6-905-cd/spp_node_zone_hub?deliveryDateFrom=2024-11-03&deliveryDateTo=2024-11");
  EXPECT_EQ(sink.events[0].source_time_ns, utc("2024-11-03T06:45:00Z"));  // 01:45 CDT
  EXPECT_EQ(sink.events[1].source_time_ns, utc("2024-11-03T07:00:00Z"));  // 01:00 CST, DSTFlag
  EXPECT_EQ(protocol.missing_intervals(), 0u);
}

TEST_F(ErcotProtocolTest, SignsInFirstWhenAnAccountIsConfigured) {
  FeedConfig c = config;
  c.username = "miner@example.com";
  ErcotProtocol p(c, registry, stats, 0);
  p.set_now_for_test(utc("2025-07-01T17:40:00Z"));
  p.begin_cycle();
  auto token_request = p.next_request();
  ASSERT_TRUE(token_request);
  EXPECT_EQ(token_request->method, "POST");
  EXPECT_TRUE(token_request->target.starts_with("https://ercotb2c.b2clogin.com/"));
  EXPECT_NE(token_request->body.find("grant_type=password&username=miner%40example.com&password="), std::string::npos);
  EXPECT_NE(token_request->body.find("&response_type=id_token&scope=openid%20fec253ea"), std::string::npos);
  PaddedFrame token(read_fixture("ercot/b2c_token_response.json"));
  ASSERT_TRUE(p.on_response(200, token.view(), 0, sink));
  auto prices = p.next_request();
  ASSERT_TRUE(prices);
  bool bearer = false;
  for (const auto& [k, v] : prices->headers) bearer |= k == "Authorization" && v.starts_with("Bearer eyJ");
  EXPECT_TRUE(bearer);
  // Within the hour the token is reused; five minutes before it ends a new one is fetched.
  PaddedFrame page(report(R"(["2025-07-01",13,1,"HB_WEST","HU",39.65,false])"));
  ASSERT_TRUE(p.on_response(200, page.view(), 0, sink));
  p.set_now_for_test(utc("2025-07-01T18:20:00Z"));
  p.begin_cycle();
  EXPECT_EQ(p.next_request()->method, "GET");
  p.set_now_for_test(utc("2025-07-01T18:36:00Z"));
  p.begin_cycle();
  EXPECT_EQ(p.next_request()->method, "POST");
}

TEST_F(ErcotProtocolTest, FailedSignInIsCountedNotParsedAsPrices) {
  FeedConfig c = config;
  c.username = "miner@example.com";
  ErcotProtocol p(c, registry, stats, 0);
  p.begin_cycle();
  p.next_request();
  PaddedFrame bad(read_fixture("ercot/b2c_token_error_bad_password.json"));
  EXPECT_FALSE(p.on_response(400, bad.view(), 0, sink));
  EXPECT_EQ(stats.error_count(ErrorKind::kServerError), 1u);
}

}  // namespace
}  // namespace hashwatch::connectors::ercot
