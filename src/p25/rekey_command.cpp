// TIA-102.AACA 10.3 Rekey-Command body.
#include "p25/rekey_command.h"

namespace kb::p25 {

Result<KeysetItem> DecodeKeysetItem(ByteReader& r) {
  KeysetItem k;
  KB_TRY(k.keyset_format, r.U8("Keyset Format"));
  KB_TRY(k.keyset_id, r.U8("Keyset ID"));
  KB_TRY(k.algid, r.U8("Algorithm ID"));
  KB_TRY(k.key_length, r.U8("Key Length"));
  KB_TRY(uint8_t n, r.U8("Number of Keys"));
  k.keys.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    KB_TRY(KeyItem item, DecodeKeyItem(r, k.key_length));
    k.keys.push_back(std::move(item));
  }
  return k;
}

Status EncodeKeysetItem(const KeysetItem& k, ByteWriter& w) {
  KB_TRY(uint64_t n, CheckedCount(k.keys.size(), 1, "Number of Keys"));
  w.U8(k.keyset_format).U8(k.keyset_id).U8(k.algid).U8(k.key_length).U8(static_cast<uint8_t>(n));
  for (const KeyItem& item : k.keys) KB_CHECK(EncodeKeyItem(item, k.key_length, w));
  return Ok();
}

Status RekeyCommand::EncodeBody(ByteWriter& w) const {
  EncodeDecryptionInstruction(decryption, w);
  KB_TRY(uint64_t n, CheckedCount(keysets.size(), 1, "Number of Keysets"));
  w.U8(static_cast<uint8_t>(n));
  for (const KeysetItem& k : keysets) KB_CHECK(EncodeKeysetItem(k, w));
  return Ok();
}

Result<RekeyCommand> RekeyCommand::DecodeBody(ByteReader& r) {
  RekeyCommand c;
  KB_TRY(c.decryption, DecodeDecryptionInstruction(r));
  KB_TRY(uint8_t n, r.U8("Number of Keysets"));
  c.keysets.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    KB_TRY(KeysetItem k, DecodeKeysetItem(r));
    c.keysets.push_back(std::move(k));
  }
  return c;
}

}  // namespace kb::p25
