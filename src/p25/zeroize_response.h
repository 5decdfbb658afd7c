// TIA-102.AACA 10.3 Zeroize-Response (0x22), SU -> KMF; empty body.
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

struct ZeroizeResponse {
  static constexpr MessageId kId = MessageId::kZeroizeResponse;

  bool operator==(const ZeroizeResponse&) const = default;
  Status EncodeBody(ByteWriter&) const { return Ok(); }
  static Result<ZeroizeResponse> DecodeBody(ByteReader&) { return ZeroizeResponse{}; }
};

}  // namespace kb::p25
