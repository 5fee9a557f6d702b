// mempool.space REST endpoints served from tests/fixtures/mempool.
#pragma once

#include <memory>

#include "tools/feedsim/format.h"

namespace hashwatch::feedsim {

std::unique_ptr<RestFormat> make_mempool_format(const SimOptions& options);

}  // namespace hashwatch::feedsim
