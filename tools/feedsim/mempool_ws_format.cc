#include <boost/json.hpp>

#include "connectors/common/parse_util.h"
#include "tools/feedsim/exchange_formats.h"
#include "tools/feedsim/format.h"

namespace hashwatch::feedsim {
namespace json = boost::json;
namespace {

constexpr std::int64_t kBlockSeconds = 600;
constexpr std::int64_t kRetargetBlocks = 2016;

// mempool.space's WebSocket at /mempool/api/v1/ws. After a `want`, the stats frame repeats at the
// stream rate (as mempool updates do); new blocks are pushed on demand through the control
// endpoint: POST /control/mempool/newblock[?difficulty=D].
class MempoolWsScript final : public WsScript {
 public:
  MempoolWsScript(std::string stats, json::object block_frame)
      : stats_(std::move(stats)), block_frame_(std::move(block_frame)) {}

  std::vector<std::string> on_client_frame(std::string_view frame) override {
    json::error_code ec;
    json::value v = json::parse(frame, ec);
    if (ec || !v.is_object()) return {};
    const json::object& o = v.as_object();
    const json::value* action = o.if_contains("action");
    if (action == nullptr || !action->is_string()) return {};
    if (action->as_string() == "ping") return {R"({"pong": true})"};
    if (action->as_string() != "want") return {};
    wanted_ = true;
    return {current_block_frame()};  // initial data: the latest block, with da
  }

  bool streaming() const override { return wanted_; }

  std::optional<Frame> next_frame() override { return Frame{stats_, false}; }

  std::optional<std::vector<std::string>> on_control(std::string_view action,
                                                      std::string_view query) override {
    if (action != "newblock") return std::nullopt;
    json::object& block = block_frame_["block"].as_object();
    const std::int64_t height = block["height"].as_int64() + 1;
    block["height"] = height;
    block["timestamp"] = block["timestamp"].as_int64() + kBlockSeconds;
    if (auto p = query.find("difficulty="); p != std::string_view::npos) {
      auto d = connectors::parse_decimal(query.substr(p + 11, query.find('&', p) - p - 11));
      if (d) block["difficulty"] = *d;
    }
    if (auto* da = block_frame_.if_contains("da"); da && da->is_object()) {
      (*da).as_object()["remainingBlocks"] = kRetargetBlocks - height % kRetargetBlocks;
    }
    return std::vector<std::string>{current_block_frame()};
  }

 private:
  std::string current_block_frame() const { return json::serialize(block_frame_); }

  std::string stats_;
  json::object block_frame_;
  bool wanted_ = false;
};

class MempoolWsFormat final : public WsFormat {
 public:
  explicit MempoolWsFormat(const SimOptions& options) {
    for (const auto& line : read_lines(options.fixtures_dir + "/mempool/ws_stream_new_block.jsonl")) {
      if (line.find("\"block\"") != std::string::npos) {
        block_frame_ = json::parse(line).as_object();
      } else if (line.find("\"mempoolInfo\"") != std::string::npos) {
        stats_ = line;
      }
    }
  }
  std::string_view name() const override { return "mempool"; }
  std::string_view label() const override { return "mempool_ws"; }
  std::string_view path() const override { return "/api/v1/ws"; }
  std::unique_ptr<WsScript> open(std::string_view) override {
    return std::make_unique<MempoolWsScript>(stats_, block_frame_);
  }

 private:
  std::string stats_;
  json::object block_frame_;
};

}  // namespace

std::unique_ptr<WsFormat> make_mempool_ws_format(const SimOptions& options) {
  return std::make_unique<MempoolWsFormat>(options);
}

}  // namespace hashwatch::feedsim
