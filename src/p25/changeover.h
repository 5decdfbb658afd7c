// TIA-102.AACA 10.3 Changeover instruction list, the body of both Changeover-Command (0x05)
// and Changeover-Response (0x06): a count and (superseded, activated) keyset pairs.
#pragma once

#include <vector>

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

// SupersededKeysetID(1) · ActivatedKeysetID(1).
struct ChangeoverInstruction {
  uint8_t superseded_keyset_id = 0;
  uint8_t activated_keyset_id = 0;
  bool operator==(const ChangeoverInstruction&) const = default;
};

Status EncodeChangeoverInstructions(const std::vector<ChangeoverInstruction>& v, ByteWriter& w);
Result<std::vector<ChangeoverInstruction>> DecodeChangeoverInstructions(ByteReader& r);

}  // namespace kb::p25
