// TIA-102.AACA 10.3 Deregistration-Response (0x24), KMF -> SU: a status.
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"
#include "p25/operation_status.h"

namespace kb::p25 {

// Status(1).
struct DeregistrationResponse {
  static constexpr MessageId kId = MessageId::kDeregistrationResponse;
  OperationStatus status = OperationStatus::kCommandPerformed;

  bool operator==(const DeregistrationResponse&) const = default;
  Status EncodeBody(ByteWriter& w) const {
    w.U8(static_cast<uint8_t>(status));
    return Ok();
  }
  static Result<DeregistrationResponse> DecodeBody(ByteReader& r) {
    KB_TRY(uint8_t st, r.U8("Status"));
    return DeregistrationResponse{static_cast<OperationStatus>(st)};
  }
};

}  // namespace kb::p25
