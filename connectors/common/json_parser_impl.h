// The definition behind JsonParser; only for .cc files.
#pragma once

#include <simdjson.h>

#include "connectors/common/json_parser.h"
#include "connectors/common/parse_util.h"

namespace hashwatch::connectors {

static_assert(simdjson::SIMDJSON_PADDING <= kFramePadding);

struct JsonParser {
  simdjson::ondemand::parser parser;
};

}  // namespace hashwatch::connectors
