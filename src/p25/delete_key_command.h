// TIA-102.AACA 10.3 Delete-Key-Command (0x08), KMF -> SU: erase keys by ALGID and KID.
// No public source shows this body; the layout is keybridge's (docs/p25-kmm.md).
#pragma once

#include <vector>

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

// KeysetID(1) · ALGID(1) · NumberOfKeys(1) · KID(2) x n.
struct DeleteKeyCommand {
  static constexpr MessageId kId = MessageId::kDeleteKeyCommand;
  uint8_t keyset_id = 0;
  uint8_t algid = 0;
  std::vector<uint16_t> kids;

  bool operator==(const DeleteKeyCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<DeleteKeyCommand> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
