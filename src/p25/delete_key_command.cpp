// TIA-102.AACA 10.3 Delete-Key-Command body (keybridge layout).
#include "p25/delete_key_command.h"

#include "p25/key_item.h"

namespace kb::p25 {

Status DeleteKeyCommand::EncodeBody(ByteWriter& w) const {
  KB_TRY(uint64_t n, CheckedCount(kids.size(), 1, "Number of Keys"));
  w.U8(keyset_id).U8(algid).U8(static_cast<uint8_t>(n));
  for (uint16_t kid : kids) w.U16(kid);
  return Ok();
}

Result<DeleteKeyCommand> DeleteKeyCommand::DecodeBody(ByteReader& r) {
  DeleteKeyCommand c;
  KB_TRY(c.keyset_id, r.U8("Keyset ID"));
  KB_TRY(c.algid, r.U8("Algorithm ID"));
  KB_TRY(uint8_t n, r.U8("Number of Keys"));
  c.kids.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    KB_TRY(uint16_t kid, r.U16("Key ID"));
    c.kids.push_back(kid);
  }
  return c;
}

}  // namespace kb::p25
