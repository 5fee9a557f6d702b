#include "rules/series_registry.h"

#include <gtest/gtest.h>

namespace hashwatch::rules {
namespace {

TEST(SeriesRegistry, SameNameAndLabelsInAnyOrderGiveSameId) {
  SeriesRegistry r;
  const SeriesId a = r.intern("x", {{"b", "2"}, {"a", "1"}});
  const SeriesId b = r.intern("x", {{"a", "1"}, {"b", "2"}});
  EXPECT_EQ(a, b);
  EXPECT_EQ(r.info(a).key, R"(x{a="1",b="2"})");
}

TEST(SeriesRegistry, DifferentLabelsGiveDifferentIds) {
  SeriesRegistry r;
  EXPECT_NE(r.intern("btc_usd", {{"source", "a"}}), r.intern("btc_usd", {{"source", "b"}}));
  EXPECT_NE(r.intern("btc_usd"), r.intern("btc_usd", {{"source", "a"}}));
}

TEST(SeriesRegistry, SourcesAreInternedSeparately) {
  SeriesRegistry r;
  const SourceId c = r.intern_source("coinbase");
  EXPECT_EQ(r.intern_source("coinbase"), c);
  EXPECT_NE(r.intern_source("mempool"), c);
  EXPECT_EQ(r.source_name(c), "coinbase");
}

TEST(SeriesRegistry, LabelLookup) {
  SeriesRegistry r;
  const auto& info = r.info(r.intern("btc_usd", {{"source", "kraken"}}));
  EXPECT_EQ(SeriesRegistry::label(info, "source"), "kraken");
  EXPECT_EQ(SeriesRegistry::label(info, "missing"), "");
}

}  // namespace
}  // namespace hashwatch::rules
