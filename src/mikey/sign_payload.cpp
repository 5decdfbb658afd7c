// RFC 3830 6.5: encoding and decoding of the signature payload.
#include "mikey/sign_payload.h"

#include <fmt/format.h>

namespace kb::mikey {

Result<SignPayload> SignPayload::Decode(ByteReader& r) {
  SignPayload s;
  size_t at = r.offset();
  KB_TRY(uint16_t h, r.U16("SIGN.S type/Signature len"));
  s.s_type = static_cast<uint8_t>(h >> 12);
  size_t len = h & 0x0FFF;
  if (len == 0) {
    return Fail(Error::Malformed(fmt::format("SIGN.Signature len at offset {}: zero", at)));
  }
  KB_TRY(s.signature, r.TakeCopy(len, "SIGN.Signature"));
  return s;
}

Status SignPayload::EncodeHeader(ByteWriter& w) const {
  if (s_type > 0x0F) return Fail(Error::InvalidArgument("SIGN.S type: more than 4 bits"));
  if (signature.empty() || signature.size() > 0x0FFF) {
    return Fail(Error::InvalidArgument("SIGN.Signature: length must be 1..4095 octets"));
  }
  w.U16(static_cast<uint16_t>((s_type << 12) | signature.size()));
  return Ok();
}

Status SignPayload::Encode(ByteWriter& w) const {
  KB_CHECK(EncodeHeader(w));
  w.Append(signature);
  return Ok();
}

}  // namespace kb::mikey
