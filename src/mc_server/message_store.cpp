// TS 23.283 clause 10.12 relay: the stored form of a SIP MESSAGE body (message_store.h).
#include "mc_server/message_store.h"

#include <fmt/format.h>

namespace kb::mc_server {

Bytes EncodeStoredBody(std::span<const net::BodyPart> parts) {
  ByteWriter w;
  w.U16(static_cast<uint16_t>(parts.size()));
  for (const auto& p : parts) {
    w.U16(static_cast<uint16_t>(p.content_type.size())).Append(p.content_type);
    w.U32(static_cast<uint32_t>(p.data.size())).Append(p.data);
  }
  return std::move(w).Take();
}

Result<std::vector<net::BodyPart>> DecodeStoredBody(ByteView data) {
  ByteReader r(data);
  KB_TRY(uint16_t count, r.U16("stored body part count"));
  std::vector<net::BodyPart> parts;
  for (uint16_t i = 0; i < count; ++i) {
    net::BodyPart p;
    KB_TRY(uint16_t ct_len, r.U16("stored body content type length"));
    KB_TRY(ByteView ct, r.Take(ct_len, "stored body content type"));
    p.content_type = std::string(AsString(ct));
    KB_TRY(uint32_t len, r.U32("stored body part length"));
    KB_TRY(p.data, r.TakeCopy(len, "stored body part"));
    parts.push_back(std::move(p));
  }
  KB_CHECK(r.ExpectEnd("stored body"));
  return parts;
}

}  // namespace kb::mc_server
