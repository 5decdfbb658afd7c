// TS 33.180 8.5.4 / E.6: encoding and decoding of the protected payload of the key parameters.
#include "mikey/protected_payload.h"

#include <fmt/format.h>

namespace kb::mikey {

namespace {

void EncodeClearHeader(const ProtectedPayload& p, ByteWriter& w) {
  w.U8(p.message_type).U40(p.date_time).U32(p.payload_id).U8(p.sequence).U8(p.algorithm);
}

}  // namespace

Bytes ProtectedPayload::Aad() const {
  ByteWriter w(32);
  EncodeClearHeader(*this, w);
  w.Append(iv).U32(dppk_id);
  return std::move(w).Take();
}

Result<ProtectedPayload> ProtectedPayload::Decode(ByteReader& r) {
  ProtectedPayload p;
  KB_TRY(p.message_type, r.U8("Protected payload.message type"));
  KB_TRY(p.date_time, r.U40("Protected payload.date and time"));
  KB_TRY(p.payload_id, r.U32("Protected payload.payload ID"));
  KB_TRY(p.sequence, r.U8("Protected payload.payload sequence number"));
  KB_TRY(p.algorithm, r.U8("Protected payload.payload algorithm"));
  KB_TRY(ByteView iv, r.Take(kProtectedPayloadIvBytes, "Protected payload.IV"));
  std::copy(iv.begin(), iv.end(), p.iv.begin());
  KB_TRY(p.dppk_id, r.U32("Protected payload.DPPK-ID"));
  KB_TRY(p.ie_type, r.U8("Protected payload.IE type"));
  size_t at = r.offset();
  KB_TRY(ByteReader sealed, r.U16Prefixed("Protected payload.IE"));
  if (sealed.remaining() < kProtectedPayloadTagBytes) {
    return Fail(Error::Malformed(fmt::format(
        "Protected payload.IE length at offset {}: {} octets, shorter than the {}-octet tag", at,
        sealed.remaining(), kProtectedPayloadTagBytes)));
  }
  ByteView s = sealed.Rest();
  p.sealed.assign(s.begin(), s.end());
  KB_CHECK(r.ExpectEnd("Protected payload"));
  return p;
}

Status ProtectedPayload::Encode(ByteWriter& w) const {
  if (date_time > 0xFFFFFFFFFFull) {
    return Fail(Error::InvalidArgument("Protected payload.date and time: over 40 bits"));
  }
  if (sealed.size() < kProtectedPayloadTagBytes) {
    return Fail(Error::InvalidArgument("Protected payload.IE: shorter than the tag"));
  }
  EncodeClearHeader(*this, w);
  w.Append(iv).U32(dppk_id).U8(ie_type);
  size_t len = w.BeginU16Length();
  w.Append(sealed);
  return w.EndU16Length(len);
}

Result<Bytes> ProtectedPayload::Encode() const {
  ByteWriter w;
  KB_CHECK(Encode(w));
  return std::move(w).Take();
}

}  // namespace kb::mikey
