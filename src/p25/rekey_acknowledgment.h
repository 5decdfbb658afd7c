// TIA-102.AACA 10.3 Rekey-Acknowledgment (0x1D), SU -> KMF: one status per key; it answers
// Rekey-Command, Modify-Key-Command and (in keybridge) Warm-Start-Command.
#pragma once

#include <vector>

#include "core/bytes.h"
#include "p25/message_id.h"
#include "p25/operation_status.h"

namespace kb::p25 {

// ALGID(1) · KID(2) · Status(1).
struct KeyStatus {
  uint8_t algid = 0;
  uint16_t kid = 0;
  OperationStatus status = OperationStatus::kCommandPerformed;
  bool operator==(const KeyStatus&) const = default;
};

// AcknowledgedMessageID(1) · NumberOfItems(1) · items.
struct RekeyAcknowledgment {
  static constexpr MessageId kId = MessageId::kRekeyAcknowledgment;
  MessageId acknowledged_message_id = MessageId::kRekeyCommand;
  std::vector<KeyStatus> items;

  bool operator==(const RekeyAcknowledgment&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<RekeyAcknowledgment> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
