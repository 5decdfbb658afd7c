// TIA-102.AACA 10.3 / AACD Modify-Key-Command (0x13): one keyset's keys, in KFDtool's layout
// (DIF and Extended DIF, as proven against radios), wrapped under a KEK or clear (ALGID 0x80).
#pragma once

#include <vector>

#include "p25/key_item.h"
#include "p25/message_id.h"

namespace kb::p25 {

// DIF(1) · ExtendedDIF(1) · KEK ALGID(1) · KEK KID(2) · [MI(9) if DIF = 0x40] · KeysetID(1) ·
// ALGID(1) · KeyLength(1) · NumberOfKeys(1) · key items.
struct ModifyKeyCommand {
  static constexpr MessageId kId = MessageId::kModifyKeyCommand;
  uint8_t extended_dif = 0x00;
  DecryptionInstruction decryption;  // KEK ALGID 0x80, KID 0 when the keys are clear
  uint8_t keyset_id = 0;
  uint8_t algid = 0;
  uint8_t key_length = 0;
  std::vector<KeyItem> keys;

  ModifyKeyCommand Clone() const {
    return {extended_dif, decryption, keyset_id, algid, key_length, CloneAll(keys)};
  }
  bool operator==(const ModifyKeyCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<ModifyKeyCommand> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
