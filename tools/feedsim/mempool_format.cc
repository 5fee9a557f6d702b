#include "tools/feedsim/mempool_format.h"

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace hashwatch::feedsim {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> read_lines(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

namespace {

class MempoolFormat final : public RestFormat {
 public:
  explicit MempoolFormat(const SimOptions& options) {
    const std::string dir = options.fixtures_dir + "/mempool/";
    auto add = [&](const char* path, const char* file, const char* type) {
      routes_[path] = RestResponse{200, type, read_file(dir + file)};
    };
    add("/api/blocks/tip/height", "blocks_tip_height.txt", "text/plain");
    add("/api/blocks/tip/hash", "blocks_tip_hash.txt", "text/plain");
    add("/api/v1/difficulty-adjustment", "difficulty-adjustment.json", "application/json");
    add("/api/v1/mining/hashrate/3d", "mining_hashrate_3d.json", "application/json");
    add("/api/v1/mining/hashrate/1w", "mining_hashrate_1w.json", "application/json");
    add("/api/v1/mining/reward-stats/144", "reward-stats_144.json", "application/json");
    add("/api/v1/blocks", "v1_blocks.json", "application/json");
    add("/api/v1/fees/recommended", "fees_recommended.json", "application/json");
  }

  std::string_view name() const override { return "mempool"; }

  RestResponse handle(const RestRequest& request) override {
    const std::string_view path = request.path;
    if (auto it = routes_.find(path); it != routes_.end()) return it->second;
    if (path.starts_with("/api/v1/mining/reward-stats/")) {
      // Only the 144-block window is recorded; the real API computes any window.
      return {404, "application/json",
              R"({"error":"feedsim: only reward-stats/144 is recorded"})"};
    }
    return {404, "text/plain", "Not Found"};
  }

 private:
  std::map<std::string, RestResponse, std::less<>> routes_;
};

}  // namespace

std::unique_ptr<RestFormat> make_mempool_format(const SimOptions& options) {
  return std::make_unique<MempoolFormat>(options);
}

}  // namespace hashwatch::feedsim
