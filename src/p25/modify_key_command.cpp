// TIA-102.AACA 10.3 Modify-Key-Command body (KFDtool layout).
#include "p25/modify_key_command.h"

#include <fmt/format.h>

namespace kb::p25 {

Status ModifyKeyCommand::EncodeBody(ByteWriter& w) const {
  KB_TRY(uint64_t n, CheckedCount(keys.size(), 1, "Number of Keys"));
  w.U8(decryption.mi ? kDifMiFollows : kDifNone).U8(extended_dif).U8(decryption.kek_algid);
  w.U16(decryption.kek_kid);
  if (decryption.mi) w.Append(ByteView(*decryption.mi));
  w.U8(keyset_id).U8(algid).U8(key_length).U8(static_cast<uint8_t>(n));
  for (const KeyItem& k : keys) KB_CHECK(EncodeKeyItem(k, key_length, w));
  return Ok();
}

Result<ModifyKeyCommand> ModifyKeyCommand::DecodeBody(ByteReader& r) {
  ModifyKeyCommand c;
  ByteReader dif_at = r;
  KB_TRY(uint8_t dif, r.U8("Decryption Instruction Format"));
  if (dif != kDifNone && dif != kDifMiFollows) {
    return Fail(dif_at.MalformedAt("Decryption Instruction Format",
                                   fmt::format("0x{:02X} (0x00 or 0x40 expected)", dif)));
  }
  KB_TRY(c.extended_dif, r.U8("Extended Decryption Instruction Format"));
  KB_TRY(c.decryption.kek_algid, r.U8("KEK Algorithm ID"));
  KB_TRY(c.decryption.kek_kid, r.U16("KEK Key ID"));
  if (dif == kDifMiFollows) {
    KB_TRY(ByteView mi, r.Take(9, "Message Indicator"));
    MiOctets m{};
    std::copy(mi.begin(), mi.end(), m.begin());
    c.decryption.mi = m;
  }
  KB_TRY(c.keyset_id, r.U8("Keyset ID"));
  KB_TRY(c.algid, r.U8("Algorithm ID"));
  KB_TRY(c.key_length, r.U8("Key Length"));
  KB_TRY(uint8_t n, r.U8("Number of Keys"));
  c.keys.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    KB_TRY(KeyItem k, DecodeKeyItem(r, c.key_length));
    c.keys.push_back(std::move(k));
  }
  return c;
}

}  // namespace kb::p25
