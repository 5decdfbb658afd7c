// TIA-102.AACA 10.3 Delete-Keyset-Command (0x0A), KMF -> SU: erase whole keysets (keybridge
// layout, docs/p25-kmm.md).
#pragma once

#include <vector>

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

// NumberOfKeysets(1) · KeysetID(1) x n.
struct DeleteKeysetCommand {
  static constexpr MessageId kId = MessageId::kDeleteKeysetCommand;
  std::vector<uint8_t> keyset_ids;

  bool operator==(const DeleteKeysetCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<DeleteKeysetCommand> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
