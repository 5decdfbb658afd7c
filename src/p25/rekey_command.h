// TIA-102.AACA 10.3 Rekey-Command (0x1E), KMF -> SU: TEKs (or KEKs) wrapped under a KEK, in
// keysets. Layout checked against the AACA-C-2023 14.3.4 example.
#pragma once

#include <vector>

#include "p25/key_item.h"
#include "p25/message_id.h"

namespace kb::p25 {

// KeysetFormat(1) · KeysetID(1) · ALGID(1) · KeyLength(1) · NumberOfKeys(1) · key items.
// key_length is the length on the wire (40 for a wrapped AES-256 key); every key has it.
struct KeysetItem {
  uint8_t keyset_format = 0x00;
  uint8_t keyset_id = 0;
  uint8_t algid = 0;
  uint8_t key_length = 0;
  std::vector<KeyItem> keys;

  KeysetItem Clone() const { return {keyset_format, keyset_id, algid, key_length, CloneAll(keys)}; }
  bool operator==(const KeysetItem&) const = default;
};

Result<KeysetItem> DecodeKeysetItem(ByteReader& r);
Status EncodeKeysetItem(const KeysetItem& k, ByteWriter& w);

// DecryptionInstruction · NumberOfKeysets(1) · keysets.
struct RekeyCommand {
  static constexpr MessageId kId = MessageId::kRekeyCommand;
  DecryptionInstruction decryption;
  std::vector<KeysetItem> keysets;

  RekeyCommand Clone() const { return {decryption, CloneAll(keysets)}; }
  bool operator==(const RekeyCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<RekeyCommand> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
