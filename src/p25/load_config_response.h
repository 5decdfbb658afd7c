// Motorola-specific Load-Config-Response (0xFC), SU -> KVL/KMF (KFDtool layout).
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"
#include "p25/operation_status.h"

namespace kb::p25 {

// RSI(3) · MN(2) · Status(1).
struct LoadConfigResponse {
  static constexpr MessageId kId = MessageId::kLoadConfigResponse;
  uint32_t rsi = 0;
  uint16_t message_number = 0;
  OperationStatus status = OperationStatus::kCommandPerformed;

  bool operator==(const LoadConfigResponse&) const = default;
  Status EncodeBody(ByteWriter& w) const {
    if (rsi > 0xFFFFFF) return Fail(Error::InvalidArgument("RSI wider than 24 bits"));
    w.U24(rsi).U16(message_number).U8(static_cast<uint8_t>(status));
    return Ok();
  }
  static Result<LoadConfigResponse> DecodeBody(ByteReader& r) {
    LoadConfigResponse c;
    KB_TRY(c.rsi, r.U24("RSI"));
    KB_TRY(c.message_number, r.U16("Message Number"));
    KB_TRY(uint8_t st, r.U8("Status"));
    c.status = static_cast<OperationStatus>(st);
    return c;
  }
};

}  // namespace kb::p25
