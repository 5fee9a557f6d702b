// Tariffs as a feed (`kind: tariff`): a fixed or time-of-use price computed locally, emitted as
// power_price_usd_per_mwh{market="tariff",node="<feed name>"} at start, at every schedule boundary
// (exactly, in local time across DST) and once a minute so it never looks stale. No network.
#pragma once

#include <memory>

#include "connectors/common/registry.h"

namespace hashwatch::connectors::tariff {

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::tariff
