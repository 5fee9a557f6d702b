#include "connectors/caiso/caiso_parser.h"

#include <array>
#include <cstdint>
#include <cstring>

#define ZLIB_CONST
#include <zlib.h>

#include "connectors/common/parse_util.h"

namespace hashwatch::connectors::caiso {

namespace {

// ---- CSV ----------------------------------------------------------------------------------------

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
enum Column { kStart, kEnd, kNode, kType, kValue, kColumns };
using ColumnIndex = std::array<std::size_t, kColumns>;

std::string_view unquote(std::string_view cell) {
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') {
    return cell.substr(1, cell.size() - 2);
  }
  return cell;
}

// Calls f(position, cell) for every comma-separated cell of `line` (OASIS does not quote commas).
template <class F>
void for_each_cell(std::string_view line, F&& f) {
  for (std::size_t position = 0;; ++position) {
    const std::size_t comma = line.find(',');
    f(position, unquote(line.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    line.remove_prefix(comma + 1);
  }
}

// NODE is preferred to NODE_ID, and VALUE to PRC to MW, when several are present.
ParseStatus map_header(std::string_view line, ColumnIndex& index) {
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // UTF-8 BOM
  index.fill(kNone);
  int node_rank = 0, value_rank = 0;
  for_each_cell(line, [&](std::size_t position, std::string_view name) {
    if (name == "INTERVALSTARTTIME_GMT") index[kStart] = position;
    if (name == "INTERVALENDTIME_GMT") index[kEnd] = position;
    if (name == "LMP_TYPE") index[kType] = position;
    const int nr = name == "NODE" ? 2 : name == "NODE_ID" ? 1 : 0;
    if (nr > node_rank) {
      node_rank = nr;
      index[kNode] = position;
    }
    const int vr = name == "VALUE" ? 3 : name == "PRC" ? 2 : name == "MW" ? 1 : 0;
    if (vr > value_rank) {
      value_rank = vr;
      index[kValue] = position;
    }
  });
  for (std::size_t position : index) {
    if (position == kNone) return ParseStatus::kMissingField;
  }
  return ParseStatus::kOk;
}

ParseStatus parse_row(std::string_view line, const ColumnIndex& index, std::vector<Price>& out) {
  std::array<std::string_view, kColumns> cell{};
  std::size_t cells = 0;
  for_each_cell(line, [&](std::size_t position, std::string_view text) {
    for (std::size_t c = 0; c < kColumns; ++c) {
      if (index[c] == position) cell[c] = text;
    }
    cells = position + 1;
  });
  for (std::size_t position : index) {
    if (position >= cells) return ParseStatus::kMissingField;
  }
  if (cell[kType] != "LMP") return ParseStatus::kOk;  // MCE, MCC, MCL, MGHG: components of LMP
  // "2025-07-01T17:00:00-00:00": ISO with a zero offset.
  const auto start = parse_rfc3339_ns(cell[kStart]);
  const auto end = parse_rfc3339_ns(cell[kEnd]);
  const auto price = parse_decimal(cell[kValue]);
  if (!start || !end || !price) return ParseStatus::kWrongType;
  if (*end <= *start) return ParseStatus::kBadValue;
  out.push_back(Price{std::string(cell[kNode]), *start, *end, *price});
  return ParseStatus::kOk;
}

// ---- zip ----------------------------------------------------------------------------------------

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kDescriptorSig = 0x08074b50;
constexpr std::uint32_t kDataDescriptorFlag = 0x0008;  // general purpose bit 3
constexpr std::uint32_t kMaxMemberBytes = 256u << 20;  // an all-nodes hour is tens of MB

// Little-endian field of `n` bytes at `at`; the caller has checked the bounds.
std::uint32_t le(std::string_view b, std::size_t at, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

struct Sizes {
  std::uint32_t crc = 0;
  std::uint32_t compressed = 0;
  std::uint32_t size = 0;
};

// The sizes the central directory gives for the member whose local header is at `local_offset`.
bool central_sizes(std::string_view zip, std::size_t local_offset, Sizes& out) {
  if (zip.size() < 22) return false;
  std::size_t end = zip.size() - 22;  // the end record, followed by a comment of up to 65535 bytes
  const std::size_t stop = end > 65535 ? end - 65535 : 0;
  while (le(zip, end, 4) != kEndSig) {
    if (end == stop) return false;
    --end;
  }
  const std::size_t entries = le(zip, end + 10, 2);
  std::size_t at = le(zip, end + 16, 4);
  for (std::size_t n = 0; n < entries; ++n) {
    if (at > zip.size() || zip.size() - at < 46 || le(zip, at, 4) != kCentralSig) return false;
    if (le(zip, at + 42, 4) == local_offset) {
      out = Sizes{le(zip, at + 16, 4), le(zip, at + 20, 4), le(zip, at + 24, 4)};
      return true;
    }
    at += 46 + le(zip, at + 28, 2) + le(zip, at + 30, 2) + le(zip, at + 32, 2);
  }
  return false;
}

// Appends the member's bytes to `out`; false unless they come out at the declared size and CRC.
bool extract(std::string_view data, std::uint32_t method, const Sizes& sizes, std::string& out) {
  if (sizes.size > kMaxMemberBytes) return false;
  const std::size_t base = out.size();
  out.resize(base + sizes.size);
  auto* dst = reinterpret_cast<Bytef*>(out.data() + base);
  if (method == 0) {  // stored
    if (sizes.compressed != sizes.size) return false;
    if (sizes.size > 0) std::memcpy(dst, data.data(), sizes.size);
  } else if (method == 8) {  // raw deflate, no zlib header
    z_stream s{};
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK) return false;
    s.next_in = reinterpret_cast<const Bytef*>(data.data());
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = dst;
    s.avail_out = sizes.size;
    const int rc = inflate(&s, Z_FINISH);
    const bool complete = rc == Z_STREAM_END && s.total_out == sizes.size;
    inflateEnd(&s);
    if (!complete) return false;
  } else {
    return false;
  }
  return crc32(0L, dst, sizes.size) == sizes.crc;
}

bool ends_with_ci(std::string_view name, std::string_view suffix) {
  if (name.size() < suffix.size()) return false;
  name.remove_prefix(name.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    const char c = name[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != suffix[i]) return false;
  }
  return true;
}

// <m:ERR_DESC>No data returned for the specified selection</m:ERR_DESC>, else the start of the XML.
std::string error_text(std::string_view xml) {
  const std::size_t tag = xml.find("ERR_DESC>");
  if (tag == std::string_view::npos) return std::string(xml.substr(0, 200));
  const std::size_t begin = tag + 9;
  return std::string(xml.substr(begin, xml.find('<', begin) - begin));
}

}  // namespace

ParseStatus parse_oasis_csv(std::string_view csv, std::vector<Price>& out) {
  out.clear();
  ColumnIndex index{};
  bool have_header = false;
  while (!csv.empty()) {
    const std::size_t newline = csv.find('\n');
    std::string_view line = csv.substr(0, newline);
    csv.remove_prefix(newline == std::string_view::npos ? csv.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    // The first line, and again at the start of every further member of the zip.
    if (!have_header || line.find("INTERVALSTARTTIME_GMT") != std::string_view::npos) {
      if (auto st = map_header(line, index); st != ParseStatus::kOk) return st;
      have_header = true;
      continue;
    }
    if (auto st = parse_row(line, index, out); st != ParseStatus::kOk) return st;
  }
  return have_header ? ParseStatus::kOk : ParseStatus::kMissingField;
}

ZipResult unzip_oasis(std::string_view body, std::string& csv_out, std::string& error_out) {
  csv_out.clear();
  error_out.clear();
  if (body.size() < 4 || body.substr(0, 2) != "PK") return ZipResult::kNotZip;
  bool any_csv = false;
  std::size_t at = 0;
  while (body.size() - at >= 30 && le(body, at, 4) == kLocalSig) {
    const std::uint32_t flags = le(body, at + 6, 2);
    const std::uint32_t method = le(body, at + 8, 2);
    Sizes sizes{le(body, at + 14, 4), le(body, at + 18, 4), le(body, at + 22, 4)};
    const std::size_t name_length = le(body, at + 26, 2);
    const std::size_t data_at = at + 30 + name_length + le(body, at + 28, 2);
    const bool deferred = (flags & kDataDescriptorFlag) != 0;
    // With bit 3 the local sizes are zero and follow the data; the central directory has them.
    if (deferred || (sizes.compressed == 0 && sizes.size == 0)) {
      if (!central_sizes(body, at, sizes) && deferred) return ZipResult::kCorrupt;
    }
    if (data_at > body.size() || sizes.compressed > body.size() - data_at) {
      return ZipResult::kCorrupt;
    }
    const std::string_view name = body.substr(at + 30, name_length);
    const std::string_view data = body.substr(data_at, sizes.compressed);
    if (ends_with_ci(name, ".xml")) {
      std::string xml;
      if (!extract(data, method, sizes, xml)) return ZipResult::kCorrupt;
      error_out = error_text(xml);
      return ZipResult::kErrorXml;
    }
    if (ends_with_ci(name, ".csv")) {
      if (!csv_out.empty() && csv_out.back() != '\n') csv_out += '\n';
      if (!extract(data, method, sizes, csv_out)) return ZipResult::kCorrupt;
      any_csv = true;
    }
    at = data_at + sizes.compressed;
    if (deferred) {  // crc, sizes, with an optional signature first
      at += (body.size() - at >= 4 && le(body, at, 4) == kDescriptorSig) ? 16 : 12;
      if (at > body.size()) return ZipResult::kCorrupt;
    }
  }
  return any_csv ? ZipResult::kCsv : ZipResult::kCorrupt;
}

}  // namespace hashwatch::connectors::caiso
