#include "connectors/common/parse_util.h"

#include <gtest/gtest.h>

namespace hashwatch::connectors {
namespace {

TEST(ParseDecimal, PriceStringIsExactlyTheLiteral) {
  EXPECT_EQ(parse_decimal("105566.35"), 105566.35);
  EXPECT_EQ(parse_decimal("102861.50"), 102861.5);
  EXPECT_EQ(parse_decimal("4388.01000000"), 4388.01);
  EXPECT_EQ(parse_decimal("105559"), 105559.0);
  EXPECT_EQ(parse_decimal("1e-06"), 1e-06);
  EXPECT_EQ(parse_decimal("-0.5"), -0.5);
}

TEST(ParseDecimal, RejectsNonNumbers) {
  for (const char* bad : {"", "abc", "1.", ".5", "1e", "+1", "inf", "nan", "0x10", "1 2", "--1"}) {
    EXPECT_FALSE(parse_decimal(bad).has_value()) << bad;
  }
}

TEST(ParseInt, AcceptsSurroundingWhitespaceOnly) {
  EXPECT_EQ(parse_int("903580"), 903580);
  EXPECT_EQ(parse_int(" 903580\n"), 903580);
  EXPECT_FALSE(parse_int("903580x").has_value());
  EXPECT_FALSE(parse_int("").has_value());
  EXPECT_FALSE(parse_int("99999999999999999999").has_value());
}

TEST(ParseRfc3339, MicrosecondsUtc) {
  // 2025-07-01T11:59:59.587911Z = 1751371199.587911
  EXPECT_EQ(parse_rfc3339_ns("2025-07-01T11:59:59.587911Z"), 1751371199'587911000LL);
}

TEST(ParseRfc3339, NoFractionAndNanoseconds) {
  EXPECT_EQ(parse_rfc3339_ns("2025-07-01T12:00:00Z"), 1751371200'000000000LL);
  EXPECT_EQ(parse_rfc3339_ns("2025-07-01T12:00:00.123456789Z"), 1751371200'123456789LL);
}

TEST(ParseRfc3339, OffsetIsConvertedToUtc) {
  EXPECT_EQ(parse_rfc3339_ns("2025-07-01T07:00:00-05:00"), 1751371200'000000000LL);
  EXPECT_EQ(parse_rfc3339_ns("2025-07-01T14:00:00+02:00"), 1751371200'000000000LL);
}

TEST(ParseRfc3339, RejectsMalformed) {
  for (const char* bad : {"2025-07-01", "2025-07-01T12:00:00", "2025-13-01T00:00:00Z",
                          "2025-07-01T12:00:00.Z", "2025-07-01T12:00:00Zjunk", "yesterday"}) {
    EXPECT_FALSE(parse_rfc3339_ns(bad).has_value()) << bad;
  }
}

TEST(FormatRfc3339, RoundTripsWithChosenPrecision) {
  EXPECT_EQ(format_rfc3339(1751371199'587911000LL, 6), "2025-07-01T11:59:59.587911Z");
  EXPECT_EQ(format_rfc3339_ms(1751371199'587911000LL), "2025-07-01T11:59:59.587Z");
  EXPECT_EQ(format_rfc3339(0, 0), "1970-01-01T00:00:00Z");
}

TEST(DaysFromCivil, KnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(2024, 2, 29), 19782);
}

}  // namespace
}  // namespace hashwatch::connectors
