// Test helpers: paths into the source tree and fixture loading.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hashwatch::testing {

std::string source_path(const std::string& relative);  // HASHWATCH_SOURCE_DIR/relative
std::string binary_path(const std::string& relative);  // HASHWATCH_BINARY_DIR/relative
std::string fixture_path(const std::string& relative); // tests/fixtures/relative
std::string read_fixture(const std::string& relative);
std::vector<std::string> fixture_lines(const std::string& relative);

// Copies `text` into a buffer followed by 64 zero bytes (the padding parsers may read).
class PaddedFrame {
 public:
  explicit PaddedFrame(std::string_view text);
  std::string_view view() const { return {buf_.data(), size_}; }

 private:
  std::string buf_;
  std::size_t size_;
};

}  // namespace hashwatch::testing
