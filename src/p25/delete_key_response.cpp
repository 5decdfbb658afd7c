// TIA-102.AACA 10.3 Delete-Key-Response body (keybridge layout).
#include "p25/delete_key_response.h"

#include "p25/key_item.h"

namespace kb::p25 {

Status DeleteKeyResponse::EncodeBody(ByteWriter& w) const {
  KB_TRY(uint64_t n, CheckedCount(items.size(), 1, "Number of Items"));
  w.U8(static_cast<uint8_t>(n));
  for (const KeyStatus& s : items) w.U8(s.algid).U16(s.kid).U8(static_cast<uint8_t>(s.status));
  return Ok();
}

Result<DeleteKeyResponse> DeleteKeyResponse::DecodeBody(ByteReader& r) {
  DeleteKeyResponse d;
  KB_TRY(uint8_t n, r.U8("Number of Items"));
  d.items.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    KeyStatus s;
    KB_TRY(s.algid, r.U8("Algorithm ID"));
    KB_TRY(s.kid, r.U16("Key ID"));
    KB_TRY(uint8_t st, r.U8("Status"));
    s.status = static_cast<OperationStatus>(st);
    d.items.push_back(s);
  }
  return d;
}

}  // namespace kb::p25
