// Motorola-specific Load-Config-Command (0xFD), KVL/KMF -> SU: sets the KMF RSI and the message
// number period (KFDtool layout).
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

// KMF RSI(3) · MNP(2).
struct LoadConfigCommand {
  static constexpr MessageId kId = MessageId::kLoadConfigCommand;
  uint32_t kmf_rsi = 0;
  uint16_t message_number_period = 0;

  bool operator==(const LoadConfigCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const {
    if (kmf_rsi > 0xFFFFFF) return Fail(Error::InvalidArgument("KMF RSI wider than 24 bits"));
    w.U24(kmf_rsi).U16(message_number_period);
    return Ok();
  }
  static Result<LoadConfigCommand> DecodeBody(ByteReader& r) {
    LoadConfigCommand c;
    KB_TRY(c.kmf_rsi, r.U24("KMF RSI"));
    KB_TRY(c.message_number_period, r.U16("Message Number Period"));
    return c;
  }
};

}  // namespace kb::p25
