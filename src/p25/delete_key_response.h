// TIA-102.AACA 10.3 Delete-Key-Response (0x09), SU -> KMF: one status per key (keybridge
// layout, docs/p25-kmm.md).
#pragma once

#include <vector>

#include "p25/rekey_acknowledgment.h"

namespace kb::p25 {

// NumberOfItems(1) · items ALGID(1) KID(2) Status(1).
struct DeleteKeyResponse {
  static constexpr MessageId kId = MessageId::kDeleteKeyResponse;
  std::vector<KeyStatus> items;

  bool operator==(const DeleteKeyResponse&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<DeleteKeyResponse> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
