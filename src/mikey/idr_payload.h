// RFC 6043 6.6 / RFC 6509 / TS 33.180 E.7: the ID payload with role (IDR).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bytes.h"

namespace kb::mikey {

// ID roles: RFC 6043 (1, 2), RFC 6509 (6, 7), TS 33.180 E.7 hashed UIDs (8, 9).
enum class IdRole : uint8_t {
  kIdri = 1,
  kIdrr = 2,
  kIdrkmsi = 6,
  kIdrkmsr = 7,
  kIdruidi = 8,
  kIdruidr = 9,
};

// ID types (RFC 6043 6.6); TS 33.180 uses URIs, and a UID as a 32-octet value.
enum class IdType : uint8_t {
  kUri = 1,
  kByteString = 2,
};

// The longest ID this implementation accepts (a URI or a UID); longer ones are rejected.
inline constexpr size_t kMaxIdBytes = 1024;

// IDR: role, type and the ID (16-bit length).
struct IdrPayload {
  uint8_t role = 0;
  uint8_t id_type = static_cast<uint8_t>(IdType::kUri);
  Bytes id;

  static IdrPayload Uri(IdRole role, std::string_view uri);
  std::string_view id_string() const { return AsString(id); }

  // Rejects roles other than 1, 2, 6, 7, 8, 9, types other than URI/byte string, empty IDs and
  // IDs over kMaxIdBytes.
  static Result<IdrPayload> Decode(ByteReader& r, uint8_t& next_payload);
  Status Encode(ByteWriter& w, uint8_t next_payload) const;

  friend bool operator==(const IdrPayload&, const IdrPayload&) = default;
};

// "IDRi", "IDRuidr", ... for error messages; "IDR(role n)" for others.
std::string_view IdRoleName(uint8_t role);

}  // namespace kb::mikey
