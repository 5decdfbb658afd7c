// RFC 6509 4.2: encoding and decoding of the SAKKE payload.
#include "mikey/sakke_payload.h"

#include <fmt/format.h>

namespace kb::mikey {

Result<SakkePayload> SakkePayload::Decode(ByteReader& r, uint8_t& next_payload) {
  SakkePayload p;
  KB_TRY(next_payload, r.U8("SAKKE.next payload"));
  KB_TRY(p.params, r.U8("SAKKE.SAKKE params"));
  KB_TRY(p.id_scheme, r.U8("SAKKE.ID scheme"));
  size_t at = r.offset();
  KB_TRY(uint16_t len, r.U16("SAKKE.SAKKE data length"));
  if (len == 0 || len > kMaxSakkeDataBytes) {
    return Fail(Error::Malformed(fmt::format("SAKKE.SAKKE data length at offset {}: {} (1..{})", at,
                                             len, kMaxSakkeDataBytes)));
  }
  KB_TRY(p.data, r.TakeCopy(len, "SAKKE.SAKKE data"));
  return p;
}

Status SakkePayload::Encode(ByteWriter& w, uint8_t next_payload) const {
  if (data.empty() || data.size() > kMaxSakkeDataBytes) {
    return Fail(Error::InvalidArgument("SAKKE.SAKKE data: bad length"));
  }
  w.U8(next_payload).U8(params).U8(id_scheme).U16(static_cast<uint16_t>(data.size()));
  w.Append(data);
  return Ok();
}

}  // namespace kb::mikey
