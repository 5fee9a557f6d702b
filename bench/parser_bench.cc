// Coinbase ticker parse cost (simdjson On-Demand + exact decimal), per frame.
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "connectors/coinbase/coinbase_parser.h"
#include "connectors/common/parse_util.h"

namespace {

using namespace hashwatch::connectors;

std::string ticker_frame() {
  std::ifstream in(std::string(HASHWATCH_SOURCE_DIR) + "/tests/fixtures/coinbase/ticker_stream.jsonl");
  std::string line;
  std::getline(in, line);  // subscriptions
  std::getline(in, line);  // first ticker
  return line;
}

void BM_CoinbaseParseTicker(benchmark::State& state) {
  std::string frame = ticker_frame();
  const std::size_t size = frame.size();
  frame.append(kFramePadding, '\0');
  auto json = make_json_parser();
  coinbase::Message msg;
  for (auto _ : state) {
    auto st = coinbase::parse_message(std::string_view(frame.data(), size), *json, msg);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(msg.price);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK(BM_CoinbaseParseTicker);

}  // namespace
