// TIA-102.AACA 10.3 Unable-to-Decrypt Response body.
#include "p25/unable_to_decrypt_response.h"

namespace kb::p25 {

Status UnableToDecryptResponse::EncodeBody(ByteWriter& w) const {
  uint8_t format = static_cast<uint8_t>((body_format & ~kInstructionFollows) |
                                        (instruction ? kInstructionFollows : 0));
  w.U8(format).U8(algid).U16(kid).U8(static_cast<uint8_t>(status));
  if (instruction) EncodeDecryptionInstruction(*instruction, w);
  return EncodeKeysetItem(keyset, w);
}

Result<UnableToDecryptResponse> UnableToDecryptResponse::DecodeBody(ByteReader& r) {
  UnableToDecryptResponse u;
  KB_TRY(uint8_t format, r.U8("Body Format"));
  u.body_format = static_cast<uint8_t>(format & ~kInstructionFollows);
  KB_TRY(u.algid, r.U8("Algorithm ID"));
  KB_TRY(u.kid, r.U16("Key ID"));
  KB_TRY(uint8_t st, r.U8("Status"));
  u.status = static_cast<OperationStatus>(st);
  if (format & kInstructionFollows) {
    KB_TRY(u.instruction, DecodeDecryptionInstruction(r));
  }
  KB_TRY(u.keyset, DecodeKeysetItem(r));
  return u;
}

}  // namespace kb::p25
