// Kraken v2, Binance spot and Bitstamp v2 WebSocket feeds replayed from tests/fixtures.
#pragma once

#include <memory>

#include "tools/feedsim/format.h"

namespace hashwatch::feedsim {

std::unique_ptr<WsFormat> make_kraken_format(const SimOptions& options);
std::unique_ptr<WsFormat> make_binance_format(const SimOptions& options);
std::unique_ptr<WsFormat> make_bitstamp_format(const SimOptions& options);

}  // namespace hashwatch::feedsim
