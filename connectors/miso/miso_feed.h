// MISO real-time 5-minute ex-post LMPs (`kind: miso`) from the public API's /Current interval (no
// key; MISO market time is EST all year), filtered to the configured CP nodes; emits
// power_price_usd_per_mwh{market="miso",node} per new interval.
#pragma once

#include <memory>

#include "connectors/common/registry.h"

namespace hashwatch::connectors::miso {

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::miso
