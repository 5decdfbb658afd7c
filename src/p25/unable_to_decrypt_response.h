// TIA-102.AACA 10.3 Unable-to-Decrypt Response (0x27), SU -> KMF: the key the SU lacks
// (dvmhost vocabulary; its encoder and decoder disagree, keybridge's reading is in
// docs/p25-kmm.md).
#pragma once

#include <optional>

#include "p25/operation_status.h"
#include "p25/rekey_command.h"

namespace kb::p25 {

// BodyFormat(1) · ALGID(1) · KID(2) · Status(1) · [DecryptionInstruction when BodyFormat bit 7]
// · keyset item (as in Rekey-Command).
struct UnableToDecryptResponse {
  static constexpr MessageId kId = MessageId::kUnableToDecryptResponse;
  static constexpr uint8_t kInstructionFollows = 0x80;
  uint8_t body_format = 0x00;  // bit 7 is derived from `instruction`
  uint8_t algid = 0;
  uint16_t kid = 0;
  OperationStatus status = OperationStatus::kCouldNotDecrypt;
  std::optional<DecryptionInstruction> instruction;
  KeysetItem keyset;

  UnableToDecryptResponse Clone() const {
    return {body_format, algid, kid, status, instruction, keyset.Clone()};
  }
  bool operator==(const UnableToDecryptResponse&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<UnableToDecryptResponse> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
