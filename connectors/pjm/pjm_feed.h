// PJM Data Miner 2 real-time 5-minute LMPs (`kind: pjm`): rt_unverified_fivemin_lmps for the
// configured pnode ids over the last hour (Eastern prevailing time filter; rows read in UTC), with
// the subscription key from a file; follows "next" links; emits power_price_usd_per_mwh{market="pjm",
// node="<pnode id>"} per new interval.
#pragma once

#include <memory>

#include "connectors/common/registry.h"

namespace hashwatch::connectors::pjm {

void apply_defaults(FeedConfig& config);
std::unique_ptr<Feed> make_feed(const FeedConfig& config, boost::asio::io_context& io,
                                rules::SeriesRegistry& registry, EventSink& sink);

}  // namespace hashwatch::connectors::pjm
