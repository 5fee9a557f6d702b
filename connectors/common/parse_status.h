// The outcome of parsing one message, shared by every connector's parser. Maps 1:1 onto the
// `kind` label of hashwatch_feed_errors_total (see to_error_kind).
#pragma once

#include <cstdint>
#include <string_view>

#include "connectors/common/feed_stats.h"

namespace hashwatch::connectors {

enum class ParseStatus : std::uint8_t {
  kOk,
  kNotJson,       // not a JSON object, or truncated/broken JSON
  kMissingField,  // a required field is absent
  kWrongType,     // a field has the wrong JSON type, or a number/time string does not parse
  kBadValue,      // well-formed but impossible (negative height, inverted window, ...)
};

std::string_view parse_status_name(ParseStatus status);

inline ErrorKind to_error_kind(ParseStatus status) {
  return status == ParseStatus::kWrongType || status == ParseStatus::kBadValue
             ? ErrorKind::kWrongType
             : ErrorKind::kMalformed;
}

}  // namespace hashwatch::connectors
