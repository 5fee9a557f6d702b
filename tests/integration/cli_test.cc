#include <gtest/gtest.h>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace hashwatch::testing {
namespace {

TEST(CheckConfig, ShippedExampleIsValid) {
  const auto r = run_command(binary_path("daemon/hashwatch"),
                             {"check-config", source_path("deploy/examples/hashwatch.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("OK (6 feeds)"), std::string::npos);
}

TEST(CheckConfig, ErrorsCarryFileLineColumnAndExitOne) {
  const std::string dir = make_temp_dir();
  const std::string path = dir + "/bad.yaml";
  write_file(path, "price:\n  min_sources: 2\n  max_deviaton_pct: 1\n");
  const auto r = run_command(binary_path("daemon/hashwatch"), {"check-config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ":3:3: price: unknown key \"max_deviaton_pct\" (did you mean "
                              "\"max_deviation_pct\"?)"),
            std::string::npos)
      << r.err;
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace hashwatch::testing
