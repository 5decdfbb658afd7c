// TIA-102.AACA 10.3 Inventory Type codes, in KFDtool's numbering (dvmhost's are shifted by one).
#pragma once

#include <cstdint>

namespace kb::p25 {

enum class InventoryType : uint8_t {
  kNull = 0x00,
  kSendCurrentDateTime = 0x01,
  kListActiveKeysetIds = 0x02,
  kListInactiveKeysetIds = 0x03,
  kListActiveKeyIds = 0x04,
  kListInactiveKeyIds = 0x05,
  kListAllKeysetTaggingInfo = 0x06,
  kListAllUniqueKeyInfo = 0x07,
  kListKeyAssignmentItemsCss = 0x08,
  kListKeyAssignmentItemsTg = 0x09,
  kListLongKeyAssignmentItemsLlid = 0x0A,
  kListRsiItems = 0x0B,
  kListMfidKeysetTaggingInfo = 0xF9,  // MFID-specific
  kListActiveKeys = 0xFD,             // MFID-specific
  kListMnp = 0xFE,                    // MFID-specific
  kListKmfRsi = 0xFF,                 // MFID-specific
};

}  // namespace kb::p25
