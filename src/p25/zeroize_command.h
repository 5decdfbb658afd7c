// TIA-102.AACA 10.3 Zeroize-Command (0x21), KMF -> SU: erase every key; empty body.
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

struct ZeroizeCommand {
  static constexpr MessageId kId = MessageId::kZeroizeCommand;

  bool operator==(const ZeroizeCommand&) const = default;
  Status EncodeBody(ByteWriter&) const { return Ok(); }
  static Result<ZeroizeCommand> DecodeBody(ByteReader&) { return ZeroizeCommand{}; }
};

}  // namespace kb::p25
