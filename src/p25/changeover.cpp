// TIA-102.AACA 10.3 Changeover-Command/Response instruction list.
#include "p25/changeover.h"

#include "p25/key_item.h"

namespace kb::p25 {

Status EncodeChangeoverInstructions(const std::vector<ChangeoverInstruction>& v, ByteWriter& w) {
  KB_TRY(uint64_t n, CheckedCount(v.size(), 1, "Number of Instructions"));
  w.U8(static_cast<uint8_t>(n));
  for (const auto& i : v) w.U8(i.superseded_keyset_id).U8(i.activated_keyset_id);
  return Ok();
}

Result<std::vector<ChangeoverInstruction>> DecodeChangeoverInstructions(ByteReader& r) {
  KB_TRY(uint8_t n, r.U8("Number of Instructions"));
  std::vector<ChangeoverInstruction> v;
  v.reserve(n);
  for (size_t k = 0; k < n; ++k) {
    ChangeoverInstruction i;
    KB_TRY(i.superseded_keyset_id, r.U8("Superseded Keyset ID"));
    KB_TRY(i.activated_keyset_id, r.U8("Activated Keyset ID"));
    v.push_back(i);
  }
  return v;
}

}  // namespace kb::p25
