// RFC 6043 6.6 / RFC 6509 / TS 33.180 E.7: encoding and decoding of the IDR payload.
#include "mikey/idr_payload.h"

#include <fmt/format.h>

namespace kb::mikey {

namespace {

bool KnownRole(uint8_t role) {
  switch (role) {
    case 1:
    case 2:
    case 6:
    case 7:
    case 8:
    case 9:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view IdRoleName(uint8_t role) {
  switch (role) {
    case 1:
      return "IDRi";
    case 2:
      return "IDRr";
    case 6:
      return "IDRkmsi";
    case 7:
      return "IDRkmsr";
    case 8:
      return "IDRuidi";
    case 9:
      return "IDRuidr";
    default:
      return "IDR";
  }
}

IdrPayload IdrPayload::Uri(IdRole role, std::string_view uri) {
  return {static_cast<uint8_t>(role), static_cast<uint8_t>(IdType::kUri), ToBytes(uri)};
}

Result<IdrPayload> IdrPayload::Decode(ByteReader& r, uint8_t& next_payload) {
  IdrPayload p;
  KB_TRY(next_payload, r.U8("IDR.next payload"));
  size_t at = r.offset();
  KB_TRY(p.role, r.U8("IDR.ID Role"));
  if (!KnownRole(p.role)) {
    return Fail(
        Error::Malformed(fmt::format("IDR.ID Role at offset {}: unknown role {}", at, p.role)));
  }
  at = r.offset();
  KB_TRY(p.id_type, r.U8("IDR.ID Type"));
  if (p.id_type != static_cast<uint8_t>(IdType::kUri) &&
      p.id_type != static_cast<uint8_t>(IdType::kByteString)) {
    return Fail(Error::Unsupported(
        fmt::format("{}.ID Type at offset {}: type {} (only 1 = URI, 2 = byte string)",
                    IdRoleName(p.role), at, p.id_type)));
  }
  at = r.offset();
  KB_TRY(uint16_t len, r.U16("IDR.ID len"));
  if (len == 0 || len > kMaxIdBytes) {
    return Fail(Error::Malformed(fmt::format("{}.ID len at offset {}: {} octets (1..{})",
                                             IdRoleName(p.role), at, len, kMaxIdBytes)));
  }
  KB_TRY(p.id, r.TakeCopy(len, "IDR.ID data"));
  return p;
}

Status IdrPayload::Encode(ByteWriter& w, uint8_t next_payload) const {
  if (id.empty() || id.size() > kMaxIdBytes) {
    return Fail(Error::InvalidArgument(
        fmt::format("{}.ID: length must be 1..{} octets", IdRoleName(role), kMaxIdBytes)));
  }
  w.U8(next_payload).U8(role).U8(id_type).U16(static_cast<uint16_t>(id.size())).Append(id);
  return Ok();
}

}  // namespace kb::mikey
