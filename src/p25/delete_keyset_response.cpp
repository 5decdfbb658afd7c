// TIA-102.AACA 10.3 Delete-Keyset-Response body (keybridge layout).
#include "p25/delete_keyset_response.h"

#include "p25/key_item.h"

namespace kb::p25 {

Status DeleteKeysetResponse::EncodeBody(ByteWriter& w) const {
  KB_TRY(uint64_t n, CheckedCount(items.size(), 1, "Number of Items"));
  w.U8(static_cast<uint8_t>(n));
  for (const KeysetStatus& s : items) w.U8(s.keyset_id).U8(static_cast<uint8_t>(s.status));
  return Ok();
}

Result<DeleteKeysetResponse> DeleteKeysetResponse::DecodeBody(ByteReader& r) {
  DeleteKeysetResponse d;
  KB_TRY(uint8_t n, r.U8("Number of Items"));
  d.items.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    KeysetStatus s;
    KB_TRY(s.keyset_id, r.U8("Keyset ID"));
    KB_TRY(uint8_t st, r.U8("Status"));
    s.status = static_cast<OperationStatus>(st);
    d.items.push_back(s);
  }
  return d;
}

}  // namespace kb::p25
