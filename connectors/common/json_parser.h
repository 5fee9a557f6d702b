// An opaque, reusable simdjson On-Demand parser, so connector headers need not include simdjson.
// Include connectors/common/json_parser_impl.h in .cc files that parse.
#pragma once

#include <memory>

namespace hashwatch::connectors {

struct JsonParser;

struct JsonParserDeleter {
  void operator()(JsonParser* p) const;
};
using JsonParserPtr = std::unique_ptr<JsonParser, JsonParserDeleter>;
JsonParserPtr make_json_parser();

}  // namespace hashwatch::connectors
