// TIA-102.AACA 10.3 Delete-Keyset-Command body (keybridge layout).
#include "p25/delete_keyset_command.h"

#include "p25/key_item.h"

namespace kb::p25 {

Status DeleteKeysetCommand::EncodeBody(ByteWriter& w) const {
  KB_TRY(uint64_t n, CheckedCount(keyset_ids.size(), 1, "Number of Keysets"));
  w.U8(static_cast<uint8_t>(n));
  for (uint8_t id : keyset_ids) w.U8(id);
  return Ok();
}

Result<DeleteKeysetCommand> DeleteKeysetCommand::DecodeBody(ByteReader& r) {
  DeleteKeysetCommand c;
  KB_TRY(uint8_t n, r.U8("Number of Keysets"));
  KB_TRY(ByteView ids, r.Take(n, "Keyset IDs"));
  c.keyset_ids.assign(ids.begin(), ids.end());
  return c;
}

}  // namespace kb::p25
