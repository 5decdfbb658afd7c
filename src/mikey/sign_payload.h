// RFC 3830 6.5 / RFC 6509 / TS 33.180 E.1.2: the signature payload (SIGN), always last; S type
// 2 = ECCSI with a 129-octet signature.
#pragma once

#include <cstdint>

#include "core/bytes.h"

namespace kb::mikey {

inline constexpr uint8_t kSignTypeEccsi = 2;
inline constexpr size_t kSignHeaderBytes = 2;

// SIGN: S type (4 bits) and the signature (12-bit length). It has no next-payload field.
struct SignPayload {
  uint8_t s_type = kSignTypeEccsi;
  Bytes signature;

  static Result<SignPayload> Decode(ByteReader& r);
  // The 2-octet header alone (S type | length), which the signature covers.
  Status EncodeHeader(ByteWriter& w) const;
  Status Encode(ByteWriter& w) const;

  friend bool operator==(const SignPayload&, const SignPayload&) = default;
};

}  // namespace kb::mikey
