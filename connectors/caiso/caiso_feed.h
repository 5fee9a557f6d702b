// CAISO OASIS real-time LMPs (`kind: caiso`): polls PRC_INTVL_LMP (5-min RTD, default) or
// PRC_RTPD_LMP (15-min FMM) for the configured nodes over the last hour, unzips the CSV, and emits
// power_price_usd_per_mwh{market="caiso",node} per new interval. OASIS answers "no data" with an
// XML file inside the zip (not an error) and throttles with HTML: never unzipped.
#pragma once

#include <memory>

#include "connectors/common/registry.h"

namespace hashwatch::connectors::caiso {

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::caiso
