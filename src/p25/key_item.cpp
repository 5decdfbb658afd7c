// TIA-102.AACA 10.3 decryption instruction and key item fields.
#include "p25/key_item.h"

#include <fmt/format.h>

namespace kb::p25 {

Result<DecryptionInstruction> DecodeDecryptionInstruction(ByteReader& r) {
  ByteReader dif_at = r;
  KB_TRY(uint8_t dif, r.U8("Decryption Instruction Format"));
  if (dif != kDifNone && dif != kDifMiFollows) {
    return Fail(dif_at.MalformedAt("Decryption Instruction Format",
                                   fmt::format("0x{:02X} (0x00 or 0x40 expected)", dif)));
  }
  DecryptionInstruction d;
  KB_TRY(d.kek_algid, r.U8("KEK Algorithm ID"));
  KB_TRY(d.kek_kid, r.U16("KEK Key ID"));
  if (dif == kDifMiFollows) {
    KB_TRY(ByteView mi, r.Take(9, "Message Indicator"));
    MiOctets m{};
    std::copy(mi.begin(), mi.end(), m.begin());
    d.mi = m;
  }
  return d;
}

void EncodeDecryptionInstruction(const DecryptionInstruction& d, ByteWriter& w) {
  w.U8(d.mi ? kDifMiFollows : kDifNone).U8(d.kek_algid).U16(d.kek_kid);
  if (d.mi) w.Append(ByteView(*d.mi));
}

Result<KeyItem> DecodeKeyItem(ByteReader& r, size_t key_length) {
  ByteReader format_at = r;
  KeyItem k;
  KB_TRY(k.key_format, r.U8("Key Format"));
  if ((k.key_format & kKeyFormatNameLengthMask) != 0) {
    return Fail(Error::Unsupported(fmt::format("Key Format at offset {}: key name of {} octets",
                                               format_at.offset(),
                                               k.key_format & kKeyFormatNameLengthMask)));
  }
  KB_TRY(k.sln, r.U16("SLN"));
  KB_TRY(k.kid, r.U16("Key ID"));
  KB_TRY(ByteView key, r.Take(key_length, "Key"));
  k.key = SecretBytes(key);
  return k;
}

Status EncodeKeyItem(const KeyItem& item, size_t key_length, ByteWriter& w) {
  if ((item.key_format & kKeyFormatNameLengthMask) != 0) {
    return Fail(Error::InvalidArgument("key item with a key name length"));
  }
  if (item.key.size() != key_length) {
    return Fail(Error::InvalidArgument(
        fmt::format("key item KID 0x{:04X}: key of {} octets in a keyset of {}", item.kid,
                    item.key.size(), key_length)));
  }
  w.U8(item.key_format).U16(item.sln).U16(item.kid).Append(item.key.Reveal());
  return Ok();
}

Result<uint64_t> CheckedCount(size_t n, size_t octets, std::string_view field) {
  uint64_t max = (uint64_t{1} << (8 * octets)) - 1;
  if (n > max) {
    return Fail(Error::InvalidArgument(fmt::format("{}: {} items do not fit", field, n)));
  }
  return n;
}

}  // namespace kb::p25
