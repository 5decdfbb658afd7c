// TIA-102.AACA 10.3 Delete-Keyset-Response (0x0B), SU -> KMF: one status per keyset
// (keybridge layout, docs/p25-kmm.md).
#pragma once

#include <vector>

#include "core/bytes.h"
#include "p25/message_id.h"
#include "p25/operation_status.h"

namespace kb::p25 {

// KeysetID(1) · Status(1).
struct KeysetStatus {
  uint8_t keyset_id = 0;
  OperationStatus status = OperationStatus::kCommandPerformed;
  bool operator==(const KeysetStatus&) const = default;
};

// NumberOfItems(1) · items.
struct DeleteKeysetResponse {
  static constexpr MessageId kId = MessageId::kDeleteKeysetResponse;
  std::vector<KeysetStatus> items;

  bool operator==(const DeleteKeysetResponse&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<DeleteKeysetResponse> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
