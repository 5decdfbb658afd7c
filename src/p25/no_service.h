// TIA-102.AACA 10.3 No-Service (0x17): the KMF refuses a request; empty body.
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

struct NoService {
  static constexpr MessageId kId = MessageId::kNoService;

  bool operator==(const NoService&) const = default;
  Status EncodeBody(ByteWriter&) const { return Ok(); }
  static Result<NoService> DecodeBody(ByteReader&) { return NoService{}; }
};

}  // namespace kb::p25
