#include "tests/support/fixtures.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hashwatch::testing {

std::string source_path(const std::string& relative) {
  return std::string(HASHWATCH_SOURCE_DIR) + "/" + relative;
}

std::string binary_path(const std::string& relative) {
  return std::string(HASHWATCH_BINARY_DIR) + "/" + relative;
}

std::string fixture_path(const std::string& relative) {
  return source_path("tests/fixtures/" + relative);
}

std::string read_fixture(const std::string& relative) {
  std::ifstream in(fixture_path(relative), std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> fixture_lines(const std::string& relative) {
  std::istringstream in(read_fixture(relative));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

PaddedFrame::PaddedFrame(std::string_view text) : buf_(text), size_(text.size()) {
  buf_.append(64, '\0');
}

}  // namespace hashwatch::testing
