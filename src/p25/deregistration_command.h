// TIA-102.AACA 10.3 Deregistration-Command (0x23), SU -> KMF (dvmhost layout).
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

// BodyFormat(1) · KMF RSI(3).
struct DeregistrationCommand {
  static constexpr MessageId kId = MessageId::kDeregistrationCommand;
  uint8_t body_format = 0x00;
  uint32_t kmf_rsi = 0;

  bool operator==(const DeregistrationCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const {
    if (kmf_rsi > 0xFFFFFF) return Fail(Error::InvalidArgument("KMF RSI wider than 24 bits"));
    w.U8(body_format).U24(kmf_rsi);
    return Ok();
  }
  static Result<DeregistrationCommand> DecodeBody(ByteReader& r) {
    DeregistrationCommand c;
    KB_TRY(c.body_format, r.U8("Body Format"));
    KB_TRY(c.kmf_rsi, r.U24("KMF RSI"));
    return c;
  }
};

}  // namespace kb::p25
