#include "connectors/common/registry.h"

#include <array>

#include "connectors/binance/binance_feed.h"
#include "connectors/bitcoind/bitcoind_feed.h"
#include "connectors/hashrateindex/hashrateindex_feed.h"
#include "connectors/bitstamp/bitstamp_feed.h"
#include "connectors/caiso/caiso_feed.h"
#include "connectors/coinbase/coinbase_feed.h"
#include "connectors/miso/miso_feed.h"
#include "connectors/pjm/pjm_feed.h"
#include "connectors/ercot/ercot_feed.h"
#include "connectors/kraken/kraken_feed.h"
#include "connectors/mempool/mempool_feed.h"
#include "connectors/tariff/tariff_feed.h"
#include "connectors/mempool/mempool_ws_feed.h"

namespace hashwatch::connectors {
namespace {

constexpr std::array<std::string_view, 5> kExchangeKeys{"url", "symbols", "stale_after",
                                                         "backoff", "required"};
constexpr std::array<std::string_view, 6> kBinanceKeys{"url",     "symbols", "channel",
                                                        "stale_after", "backoff", "required"};
constexpr std::array<std::string_view, 6> kMempoolKeys{"url",     "poll_interval", "stale_after",
                                                        "backoff", "fee_window_blocks", "required"};

// One line per connector kind.
constexpr std::array<std::string_view, 4> kMempoolWsKeys{"url", "stale_after", "backoff", "required"};

constexpr std::array<std::string_view, 9> kBitcoindKeys{
    "url", "poll_interval", "stale_after", "backoff", "fee_window_blocks", "required",
    "cookie_file", "rpc_user", "rpc_password_file"};
constexpr std::array<std::string_view, 6> kHashrateIndexKeys{
    "url", "poll_interval", "stale_after", "backoff", "required", "api_key_file"};

constexpr std::array<std::string_view, 10> kErcotKeys{
    "url", "nodes", "poll_interval", "stale_after", "backoff", "required",
    "api_key_file", "username", "password_file", "token_url"};

constexpr std::array<std::string_view, 8> kTariffKeys{
    "zone", "fixed_usd_per_mwh", "base_usd_per_mwh", "periods", "holidays", "holiday_weekday",
    "adder_usd_per_mwh", "required"};

constexpr std::array<std::string_view, 7> kIsoKeys{"url", "nodes", "channel", "poll_interval",
                                                   "stale_after", "backoff", "required"};
constexpr std::array<std::string_view, 7> kPjmKeys{"url", "nodes", "poll_interval", "stale_after",
                                                   "backoff", "required", "api_key_file"};

const std::array<ConnectorKind, 13> kKinds{{
    {"coinbase", "ws", true, kExchangeKeys, &coinbase::apply_defaults, &coinbase::make_feed},
    {"kraken", "ws", true, kExchangeKeys, &kraken::apply_defaults, &kraken::make_feed},
    {"binance", "ws", true, kBinanceKeys, &binance::apply_defaults, &binance::make_feed},
    {"bitstamp", "ws", true, kExchangeKeys, &bitstamp::apply_defaults, &bitstamp::make_feed},
    {"mempool", "http", false, kMempoolKeys, &mempool::apply_defaults, &mempool::make_feed},
    {"mempool_ws", "ws", false, kMempoolWsKeys, &mempool::apply_ws_defaults, &mempool::make_ws_feed},
    {"bitcoind", "http", false, kBitcoindKeys, &bitcoind::apply_defaults, &bitcoind::make_feed},
    {"hashrateindex", "http", false, kHashrateIndexKeys, &hashrateindex::apply_defaults,
     &hashrateindex::make_feed},
    {"ercot", "http", false, kErcotKeys, &ercot::apply_defaults, &ercot::make_feed},
    {"caiso", "http", false, kIsoKeys, &caiso::apply_defaults, &caiso::make_feed},
    {"pjm", "http", false, kPjmKeys, &pjm::apply_defaults, &pjm::make_feed},
    {"miso", "http", false, kIsoKeys, &miso::apply_defaults, &miso::make_feed},
    {"tariff", "", false, kTariffKeys, &tariff::apply_defaults, &tariff::make_feed},
}};

}  // namespace

std::span<const ConnectorKind> connector_kinds() { return kKinds; }

const ConnectorKind* find_connector_kind(std::string_view kind) {
  for (const ConnectorKind& k : kKinds) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

}  // namespace hashwatch::connectors
