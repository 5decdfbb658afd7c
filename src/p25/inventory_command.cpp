// TIA-102.AACA 10.3 Inventory-Command body.
#include "p25/inventory_command.h"

namespace kb::p25 {

Status InventoryCommand::EncodeBody(ByteWriter& w) const {
  bool paged = type == InventoryType::kListActiveKeys;
  if (paged != paging.has_value()) {
    return Fail(Error::InvalidArgument("Inventory-Command: paging fields go with type 0xFD only"));
  }
  w.U8(static_cast<uint8_t>(type));
  if (paging) {
    if (paging->inventory_marker > 0xFFFFFF) {
      return Fail(Error::InvalidArgument("Inventory-Command: marker wider than 24 bits"));
    }
    w.U24(paging->inventory_marker).U16(paging->max_keys);
  }
  return Ok();
}

Result<InventoryCommand> InventoryCommand::DecodeBody(ByteReader& r) {
  InventoryCommand c;
  KB_TRY(uint8_t t, r.U8("Inventory Type"));
  c.type = static_cast<InventoryType>(t);
  if (c.type == InventoryType::kListActiveKeys) {
    InventoryPaging p;
    KB_TRY(p.inventory_marker, r.U24("Inventory Marker"));
    KB_TRY(p.max_keys, r.U16("Max Keys"));
    c.paging = p;
  }
  return c;
}

}  // namespace kb::p25
