// RFC 3830 6.11: encoding and decoding of the RAND payload.
#include "mikey/rand_payload.h"

namespace kb::mikey {

Result<RandPayload> RandPayload::Decode(ByteReader& r, uint8_t& next_payload) {
  RandPayload p;
  KB_TRY(next_payload, r.U8("RAND.next payload"));
  KB_TRY(ByteReader body, r.U8Prefixed("RAND.RAND"));
  if (body.empty()) return Fail(body.MalformedAt("RAND.RAND len", "zero-length RAND"));
  ByteView v = body.Rest();
  p.rand.assign(v.begin(), v.end());
  return p;
}

Status RandPayload::Encode(ByteWriter& w, uint8_t next_payload) const {
  if (rand.empty() || rand.size() > 255) {
    return Fail(Error::InvalidArgument("RAND.RAND: length must be 1..255 octets"));
  }
  w.U8(next_payload).U8(static_cast<uint8_t>(rand.size())).Append(rand);
  return Ok();
}

}  // namespace kb::mikey
