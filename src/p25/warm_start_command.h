// TIA-102.AACA 10.3 Warm-Start-Command (0x20), KMF -> SU: one key wrapped under a KEK (dvmhost
// 2026 layout; the expected response is not public, keybridge answers Rekey-Acknowledgment).
#pragma once

#include "p25/key_item.h"
#include "p25/message_id.h"

namespace kb::p25 {

// DecryptionInstruction · KeyLength(1) · TEK ALGID(1) · key item (KeyFormat SLN KID key).
struct WarmStartCommand {
  static constexpr MessageId kId = MessageId::kWarmStartCommand;
  DecryptionInstruction decryption;
  uint8_t key_length = 0;
  uint8_t algid = 0;
  KeyItem key;

  WarmStartCommand Clone() const { return {decryption, key_length, algid, key.Clone()}; }
  bool operator==(const WarmStartCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const {
    EncodeDecryptionInstruction(decryption, w);
    w.U8(key_length).U8(algid);
    return EncodeKeyItem(key, key_length, w);
  }
  static Result<WarmStartCommand> DecodeBody(ByteReader& r) {
    WarmStartCommand c;
    KB_TRY(c.decryption, DecodeDecryptionInstruction(r));
    KB_TRY(c.key_length, r.U8("Key Length"));
    KB_TRY(c.algid, r.U8("Algorithm ID"));
    KB_TRY(c.key, DecodeKeyItem(r, c.key_length));
    return c;
  }
};

}  // namespace kb::p25
