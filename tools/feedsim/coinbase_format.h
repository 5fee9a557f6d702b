// Coinbase Exchange ws-feed (ticker + heartbeat) replayed from tests/fixtures/coinbase.
#pragma once

#include <memory>

#include "tools/feedsim/format.h"

namespace hashwatch::feedsim {

std::unique_ptr<WsFormat> make_coinbase_format(const SimOptions& options);

}  // namespace hashwatch::feedsim
