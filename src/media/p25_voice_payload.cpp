// keybridge RTP payload format for P25 Phase 1 LDUs (docs/media.md): encoder and parser.
#include "media/p25_voice_payload.h"

#include <algorithm>
#include <string>

namespace kb::media {

Bytes P25LduPayload::Encode() const {
  ByteWriter w;
  w.U8(static_cast<uint8_t>((kP25PayloadVersion << 4) | (ldu == p25::Ldu::kLdu2 ? 1 : 0)));
  w.U8(algid).U16(kid);
  mi.Write(w);
  for (const auto& f : frames) w.Append(f);
  return std::move(w).Take();
}

Result<P25LduPayload> P25LduPayload::Decode(ByteView payload) {
  ByteReader r(payload);
  P25LduPayload p;
  KB_TRY(uint8_t b0, r.U8("P25 payload.version|LDU"));
  if ((b0 >> 4) != kP25PayloadVersion) {
    return Fail(Error::Unsupported("P25 payload.version at offset 0: expected 1, got " +
                                   std::to_string(b0 >> 4)));
  }
  if ((b0 & 0x0E) != 0) {
    return Fail(Error::Malformed("P25 payload.reserved at offset 0: not zero"));
  }
  p.ldu = (b0 & 1) != 0 ? p25::Ldu::kLdu2 : p25::Ldu::kLdu1;
  KB_TRY(p.algid, r.U8("P25 payload.ALGID"));
  KB_TRY(p.kid, r.U16("P25 payload.KID"));
  KB_TRY(p.mi, p25::MessageIndicator::Read(r));
  for (auto& f : p.frames) {
    KB_TRY(ByteView v, r.Take(p25::kImbeFrameSize, "P25 payload.IMBE frame"));
    std::ranges::copy(v, f.begin());
  }
  KB_CHECK(r.ExpectEnd("P25 payload"));
  return p;
}

}  // namespace kb::media
