#include "tools/feedsim/faults.h"

#include <gtest/gtest.h>

namespace hashwatch::feedsim {
namespace {

TEST(Faults, ParsesEveryFault) {
  auto f = parse_faults("disconnect_after=5&stall_after=2&malformed_at=3&skip_at=4&close_code=1001&slow_reader=1", nullptr);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->disconnect_after, 5u);
  EXPECT_EQ(f->stall_after, 2u);
  EXPECT_EQ(f->malformed_at, 3u);
  EXPECT_EQ(f->skip_at, 4u);
  EXPECT_EQ(f->close_code, 1001);
  EXPECT_TRUE(f->slow_reader);
}

TEST(Faults, FeedParametersAreIgnored) {
  auto f = parse_faults("streams=btcusdt@trade&stall_after=2", nullptr);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->stall_after, 2u);
}

TEST(Faults, BadCountIsAnError) {
  std::string why;
  EXPECT_FALSE(parse_faults("stall_after=soon", &why));
  EXPECT_EQ(why, "fault stall_after: \"soon\" is not a count");
}

TEST(Faults, EmptyQueryHasNoFaults) {
  auto f = parse_faults("", nullptr);
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->any());
}

}  // namespace
}  // namespace hashwatch::feedsim
