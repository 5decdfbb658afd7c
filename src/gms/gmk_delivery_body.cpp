// keybridge GMK delivery body (docs/gms.md "Delivery"): encode and decode.
#include "gms/gmk_delivery_body.h"

#include <charconv>
#include <map>

#include "core/encoding.h"

namespace kb::gms {
namespace {

std::string Hex32(uint32_t v) {
  return ToHex(Bytes{static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                     static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
}

Result<uint32_t> ParseHex32(const std::string& s, std::string_view field) {
  if (s.size() != 8)
    return Fail(Error::Malformed("GMK delivery: " + std::string(field) + " is not 8 hex digits"));
  KB_TRY(auto b, FromHex(s, field));
  return static_cast<uint32_t>(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

}  // namespace

std::string EncodeGmkDelivery(const KeyDelivery& d) {
  return "group-id: " + d.group_id + "\r\nrecipient: " + d.recipient +
         "\r\ngmk-id: " + Hex32(d.gmk_id) + "\r\nguk-id: " + Hex32(d.guk_id) +
         "\r\nrevision: " + std::to_string(d.revision) + "\r\nkey-mgmt: mikey " +
         ToBase64(d.i_message) + "\r\n";
}

Result<KeyDelivery> DecodeGmkDelivery(std::string_view body) {
  if (body.size() > 8192) return Fail(Error::Malformed("GMK delivery: body larger than 8 KiB"));
  std::map<std::string, std::string> fields;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eol = body.find('\n', pos);
    std::string_view line = body.substr(pos, eol == std::string_view::npos ? body.npos : eol - pos);
    pos = eol == std::string_view::npos ? body.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    size_t colon = line.find(": ");
    if (colon == std::string_view::npos) {
      return Fail(Error::Malformed("GMK delivery: line without 'name: value'"));
    }
    fields[std::string(line.substr(0, colon))] = std::string(line.substr(colon + 2));
  }
  for (const char* name : {"group-id", "recipient", "gmk-id", "guk-id", "revision", "key-mgmt"}) {
    if (!fields.count(name)) return Fail(Error::Malformed(std::string("GMK delivery: no ") + name));
  }
  KeyDelivery d;
  d.group_id = fields["group-id"];
  d.recipient = fields["recipient"];
  KB_TRY(d.gmk_id, ParseHex32(fields["gmk-id"], "gmk-id"));
  KB_TRY(d.guk_id, ParseHex32(fields["guk-id"], "guk-id"));
  const std::string& rev = fields["revision"];
  auto [p, ec] = std::from_chars(rev.data(), rev.data() + rev.size(), d.revision);
  if (ec != std::errc() || p != rev.data() + rev.size()) {
    return Fail(Error::Malformed("GMK delivery: revision is not a number"));
  }
  const std::string& km = fields["key-mgmt"];
  if (!km.starts_with("mikey "))
    return Fail(Error::Malformed("GMK delivery: key-mgmt is not mikey"));
  KB_TRY(d.i_message, FromBase64(std::string_view(km).substr(6), "GMK delivery key-mgmt"));
  return d;
}

}  // namespace kb::gms
