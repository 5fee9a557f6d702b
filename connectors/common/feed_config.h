// What the daemon's config loader hands to a connector: one `feeds:` entry, validated. Defaults are
// the kind's (see registry.cc); units are in the names.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/model/tariff.h"
#include "rules/time.h"

namespace hashwatch::connectors {

struct FeedConfig {
  std::string name;                 // unique; the `feed` label of every health metric
  std::string kind;                 // coinbase | mempool
  std::string url;                  // ws(s):// for streams, http(s):// for REST
  std::vector<std::string> symbols; // exchange products, e.g. BTC-USD
  std::string channel;              // binance: trade (default) | bookTicker
  TimeNs stale_after_ns = 0;        // no message (or successful poll) for this long: feed down
  TimeNs poll_interval_ns = 0;      // REST feeds: time between poll cycles
  std::int64_t fee_window_blocks = 144;  // mempool: blocks averaged for fees_per_block_btc
  TimeNs backoff_base_ns = 500 * kNsPerMs;  // first reconnect delay ceiling
  TimeNs backoff_cap_ns = 30 * kNsPerSecond;  // largest reconnect delay
  bool required = true;             // /readyz waits for this feed to be fresh
  std::string cookie_file;          // bitcoind: the node's .cookie (re-read after a 401)
  std::string rpc_user;             // bitcoind: user for rpc_password_file
  std::string rpc_password_file;    // bitcoind: file holding the RPC password
  std::string api_key_file;         // hashrateindex, ercot: file holding the API/subscription key
  std::string username;             // ercot: API account (Azure AD B2C sign-in)
  std::string password_file;        // ercot: file holding the account password
  std::string token_url;            // ercot: B2C token endpoint
  std::shared_ptr<const rules::Tariff> tariff;  // tariff: the schedule (validated by the loader)

  bool operator==(const FeedConfig&) const = default;
};

}  // namespace hashwatch::connectors
