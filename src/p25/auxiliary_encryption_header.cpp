// TIA-102.AAAD Auxiliary Encryption Sync header codec.
#include "p25/auxiliary_encryption_header.h"

#include <algorithm>

namespace kb::p25 {

Result<AuxiliaryEncryptionHeader> DecodeAuxiliaryEncryptionHeader(ByteReader& r) {
  AuxiliaryEncryptionHeader h;
  KB_TRY(ByteView mi, r.Take(9, "Message Indicator"));
  std::copy(mi.begin(), mi.end(), h.mi.begin());
  KB_TRY(h.algid, r.U8("Algorithm ID"));
  KB_TRY(h.kid, r.U16("Key ID"));
  KB_TRY(uint8_t sap, r.U8("Inner SAP"));
  h.inner_sap = sap & 0x3F;
  h.reserved = static_cast<uint8_t>(sap >> 6);
  return h;
}

Status EncodeAuxiliaryEncryptionHeader(const AuxiliaryEncryptionHeader& h, ByteWriter& w) {
  if (h.inner_sap > 0x3F || h.reserved > 0x03) {
    return Fail(Error::InvalidArgument("auxiliary encryption header: SAP octet out of range"));
  }
  w.Append(ByteView(h.mi)).U8(h.algid).U16(h.kid);
  w.U8(static_cast<uint8_t>((h.reserved << 6) | h.inner_sap));
  return Ok();
}

Result<EncryptedKmm> DecodeEncryptedKmm(ByteView user_data) {
  ByteReader r(user_data);
  EncryptedKmm e;
  KB_TRY(e.header, DecodeAuxiliaryEncryptionHeader(r));
  ByteView rest = r.Rest();
  e.ciphertext.assign(rest.begin(), rest.end());
  return e;
}

}  // namespace kb::p25
