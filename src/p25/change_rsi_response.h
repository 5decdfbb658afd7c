// TIA-102.AACA 10.3 Change-RSI-Response (0x04), SU -> KMF (KFDtool layout).
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"
#include "p25/operation_status.h"

namespace kb::p25 {

// ChangeSequence(1) · OldRSI(3) · NewRSI(3) · Status(1).
struct ChangeRsiResponse {
  static constexpr MessageId kId = MessageId::kChangeRsiResponse;
  uint8_t change_sequence = 0x01;
  uint32_t old_rsi = 0;
  uint32_t new_rsi = 0;
  OperationStatus status = OperationStatus::kCommandPerformed;

  bool operator==(const ChangeRsiResponse&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<ChangeRsiResponse> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
