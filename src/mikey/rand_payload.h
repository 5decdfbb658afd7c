// RFC 3830 6.11: the RAND payload (TS 33.180 and the public examples use 16 octets).
#pragma once

#include "core/bytes.h"

namespace kb::mikey {

// RAND: 1..255 random octets (8-bit length). The receiver requires at least 16 (opener).
struct RandPayload {
  Bytes rand;

  static Result<RandPayload> Decode(ByteReader& r, uint8_t& next_payload);
  Status Encode(ByteWriter& w, uint8_t next_payload) const;

  friend bool operator==(const RandPayload&, const RandPayload&) = default;
};

}  // namespace kb::mikey
