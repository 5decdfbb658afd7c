// TIA-102.AACA 10.3 Inventory-Command (0x0D), KMF -> SU: asks for one inventory list.
#pragma once

#include <optional>

#include "core/bytes.h"
#include "p25/inventory_type.h"
#include "p25/message_id.h"

namespace kb::p25 {

// InventoryMarker(3) · MaxKeys(2): the paging fields of "list active keys" (0xFD, KFDtool).
struct InventoryPaging {
  uint32_t inventory_marker = 0;
  uint16_t max_keys = 0;
  bool operator==(const InventoryPaging&) const = default;
};

// InventoryType(1) · [InventoryPaging when the type is 0xFD].
struct InventoryCommand {
  static constexpr MessageId kId = MessageId::kInventoryCommand;
  InventoryType type = InventoryType::kListActiveKeysetIds;
  std::optional<InventoryPaging> paging;  // present exactly when type is kListActiveKeys

  bool operator==(const InventoryCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<InventoryCommand> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
