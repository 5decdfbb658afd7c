// TIA-102.AACA 10.3 Negative-Acknowledgment (0x16): the refused message's ID and number and a
// status (section 3 of the spec digest).
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"
#include "p25/operation_status.h"

namespace kb::p25 {

// AcknowledgedMessageID(1) · MessageNumber(2) · Status(1).
struct NegativeAcknowledgment {
  static constexpr MessageId kId = MessageId::kNegativeAcknowledgment;
  MessageId acknowledged_message_id = MessageId::kNull;
  uint16_t message_number = 0;
  OperationStatus status = OperationStatus::kCommandNotPerformed;

  bool operator==(const NegativeAcknowledgment&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<NegativeAcknowledgment> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
