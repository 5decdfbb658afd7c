// TIA-102.AACA 10.3 Registration-Response (0x26), SU -> KMF: a status.
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"
#include "p25/operation_status.h"

namespace kb::p25 {

// Status(1).
struct RegistrationResponse {
  static constexpr MessageId kId = MessageId::kRegistrationResponse;
  OperationStatus status = OperationStatus::kCommandPerformed;

  bool operator==(const RegistrationResponse&) const = default;
  Status EncodeBody(ByteWriter& w) const {
    w.U8(static_cast<uint8_t>(status));
    return Ok();
  }
  static Result<RegistrationResponse> DecodeBody(ByteReader& r) {
    KB_TRY(uint8_t st, r.U8("Status"));
    return RegistrationResponse{static_cast<OperationStatus>(st)};
  }
};

}  // namespace kb::p25
