// keybridge key-fill file (docs/key-fill-file.md): parser and writer.
#include "client/key_fill_file.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <optional>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "mikey/lmr_root_key_extension.h"
#include "p25/algorithm_id.h"

namespace kb::client {
namespace {

constexpr std::array<std::string_view, 8> kFields = {"rsi", "algid", "kid", "keyset",
                                                     "sln", "name",  "key", "check"};

size_t FieldIndex(std::string_view name) {
  for (size_t i = 0; i < kFields.size(); ++i)
    if (kFields[i] == name) return i;
  return kFields.size();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// An unsigned number, decimal or 0x-hex, at most max.
Result<uint32_t> Number(std::string_view text, uint32_t max, size_t line, std::string_view field) {
  int base = 10;
  std::string_view t = text;
  if (t.starts_with("0x") || t.starts_with("0X")) {
    t.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || t.size() > 10 || ec != std::errc() || end != t.data() + t.size()) {
    return Fail(Error::Malformed(
        fmt::format("key-fill line {}: {}: not a decimal or 0x-hex number", line, field)));
  }
  if (v > max) {
    return Fail(Error::Malformed(
        fmt::format("key-fill line {}: {}: {} is above the maximum {:#x}", line, field, v, max)));
  }
  return static_cast<uint32_t>(v);
}

}  // namespace

std::string KeyFillChecksum(std::string_view text_before_check_line) {
  crypto::Sha256Digest d = crypto::Sha256(AsBytes(text_before_check_line));
  return ToHex(ByteView(d).first(4));
}

Result<KeyFill> ParseKeyFill(std::string_view text) {
  if (text.size() > kMaxKeyFillBytes) {
    return Fail(Error::Malformed(
        fmt::format("key-fill: {} octets (at most {})", text.size(), kMaxKeyFillBytes)));
  }
  std::array<std::optional<std::string_view>, kFields.size()> values;
  std::array<size_t, kFields.size()> lines{};
  size_t check_line_start = 0;
  size_t pos = 0, line_no = 0;
  bool magic_seen = false;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view raw =
        text.substr(pos, (eol == std::string_view::npos ? text.size() : eol) - pos);
    ++line_no;
    size_t start = pos;
    pos = next;
    std::string_view line = Trim(raw);
    for (char c : raw) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r') {
        return Fail(Error::Malformed(
            fmt::format("key-fill line {}: control character 0x{:02x}", line_no, int(c))));
      }
    }
    if (values[FieldIndex("check")]) {
      if (!line.empty()) {
        return Fail(
            Error::Malformed(fmt::format("key-fill line {}: text after the check line", line_no)));
      }
      continue;
    }
    if (!magic_seen) {
      if (line != kKeyFillMagic) {
        return Fail(Error::Unsupported(
            fmt::format("key-fill line {}: the first line must be '{}'", line_no, kKeyFillMagic)));
      }
      magic_seen = true;
      continue;
    }
    if (line.empty() || line.front() == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Fail(
          Error::Malformed(fmt::format("key-fill line {}: expected 'field: value'", line_no)));
    }
    std::string_view field = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    size_t idx = FieldIndex(field);
    if (idx == kFields.size()) {
      // The field name is not secret, but keep the message short and bounded.
      return Fail(Error::Unsupported(
          fmt::format("key-fill line {}: unknown field '{}'", line_no, field.substr(0, 32))));
    }
    if (values[idx]) {
      return Fail(Error::Malformed(fmt::format(
          "key-fill line {}: {} given twice (first on line {})", line_no, field, lines[idx])));
    }
    values[idx] = value;
    lines[idx] = line_no;
    if (field == "check") check_line_start = start;
  }
  if (!magic_seen) return Fail(Error::Truncated("key-fill: empty file"));
  for (std::string_view required : {"rsi", "algid", "kid", "key", "check"}) {
    if (!values[FieldIndex(required)]) {
      return Fail(Error::Truncated(fmt::format("key-fill: field '{}' is missing", required)));
    }
  }
  auto value = [&](std::string_view f) { return *values[FieldIndex(f)]; };
  auto line_of = [&](std::string_view f) { return lines[FieldIndex(f)]; };

  KeyFill fill;
  KB_TRY(fill.rsi, Number(value("rsi"), 0xFFFFFF, line_of("rsi"), "rsi"));
  if (fill.rsi == 0 || fill.rsi == 0xFFFFFF) {
    return Fail(Error::Malformed(fmt::format(
        "key-fill line {}: rsi: 0 and 0xFFFFFF (broadcast) are not radio RSIs", line_of("rsi"))));
  }
  KB_TRY(uint32_t algid, Number(value("algid"), 0xFF, line_of("algid"), "algid"));
  fill.algid = static_cast<uint8_t>(algid);
  KB_TRY(uint32_t kid, Number(value("kid"), 0xFFFF, line_of("kid"), "kid"));
  fill.kid = static_cast<uint16_t>(kid);
  if (values[FieldIndex("keyset")]) {
    KB_TRY(uint32_t ks, Number(value("keyset"), 0xFF, line_of("keyset"), "keyset"));
    fill.keyset = static_cast<uint8_t>(ks);
  }
  if (values[FieldIndex("sln")]) {
    KB_TRY(uint32_t sln, Number(value("sln"), 0xFFFF, line_of("sln"), "sln"));
    fill.sln = static_cast<uint16_t>(sln);
  }
  if (values[FieldIndex("name")]) {
    fill.name = std::string(value("name"));
    mikey::RootKeyInfo info;
    info.key_name = fill.name;
    if (auto st = mikey::CheckRootKeyInfo(info); !st) {
      return Fail(Error::Malformed(
          fmt::format("key-fill line {}: name: {}", line_of("name"), st.error().message())));
    }
  }
  size_t want = p25::KeyLengthOf(fill.algid);
  if (want == 0) {
    return Fail(Error::Unsupported(
        fmt::format("key-fill line {}: algid 0x{:02X} is not an ALGID keybridge stores",
                    line_of("algid"), fill.algid)));
  }
  std::string_view key_hex = value("key");
  auto key = FromHex(key_hex, fmt::format("key-fill line {}: key", line_of("key")));
  if (!key) return Fail(key.error());
  fill.key = SecretBytes::Adopt(std::move(*key));
  if (fill.key.size() != want) {
    return Fail(
        Error::Malformed(fmt::format("key-fill line {}: key: {} octets, ALGID 0x{:02X} needs {}",
                                     line_of("key"), fill.key.size(), fill.algid, want)));
  }
  bool all_zero = true;
  for (uint8_t b : fill.key.Reveal()) all_zero = all_zero && b == 0;
  if (all_zero) {
    return Fail(Error::Malformed(fmt::format("key-fill line {}: key: all zeros", line_of("key"))));
  }
  std::string expected = KeyFillChecksum(text.substr(0, check_line_start));
  std::string_view given = value("check");
  std::string lower(given);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.size() != 8 || lower != expected) {
    return Fail(Error::CryptoFailure(
        fmt::format("key-fill line {}: check: the checksum does not match the file (typing error "
                    "or damaged file)",
                    line_of("check"))));
  }
  return fill;
}

Result<SecretBytes> FormatKeyFill(const KeyFill& fill) {
  if (fill.rsi == 0 || fill.rsi >= 0xFFFFFF)
    return Fail(Error::InvalidArgument("key-fill: rsi must be 1..0xFFFFFE"));
  if (p25::KeyLengthOf(fill.algid) == 0 || p25::KeyLengthOf(fill.algid) != fill.key.size())
    return Fail(Error::InvalidArgument("key-fill: the key length does not suit the ALGID"));
  mikey::RootKeyInfo info;
  info.key_name = fill.name;
  KB_CHECK(mikey::CheckRootKeyInfo(info));
  std::string text;
  text.reserve(1024);  // no reallocation leaves a copy of the key behind
  text += fmt::format(
      "{}\nrsi: 0x{:06X}\nalgid: 0x{:02X}\nkid: 0x{:04X}\nkeyset: 0x{:02X}\nsln: 0x{:04X}\n",
      kKeyFillMagic, fill.rsi, fill.algid, fill.kid, fill.keyset, fill.sln);
  if (!fill.name.empty()) text += fmt::format("name: {}\n", fill.name);
  std::string hex = ToHex(fill.key.Reveal());
  text += "key: " + hex + "\n";
  SecureWipe(hex.data(), hex.size());
  text += "check: " + KeyFillChecksum(text) + "\n";
  SecretBytes out(AsBytes(text));
  SecureWipe(text.data(), text.size());
  return out;
}

}  // namespace kb::client
