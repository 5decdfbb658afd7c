// TIA-102.AACA 10.3 Inventory-Response (0x0E), SU -> KMF: the list an Inventory-Command asked
// for. Item layouts per KFDtool (keyset IDs, active keys, RSI items, MNP, KMF RSI) and dvmhost
// (key IDs); types without a public item layout are carried as opaque items.
#pragma once

#include <variant>
#include <vector>

#include "core/bytes.h"
#include "p25/inventory_type.h"
#include "p25/message_id.h"

namespace kb::p25 {

// Types 0x02/0x03: NumberOfItems(2) · KeysetID(1) x n.
struct KeysetIdList {
  std::vector<uint8_t> keyset_ids;
  bool operator==(const KeysetIdList&) const = default;
};

// Types 0x04/0x05: NumberOfItems(2) · items KeysetID(1) ALGID(1) NumberOfKeyIDs(1) KID(2) x m.
struct KeysetKeyIds {
  uint8_t keyset_id = 0;
  uint8_t algid = 0;
  std::vector<uint16_t> kids;
  bool operator==(const KeysetKeyIds&) const = default;
};
struct KeyIdList {
  std::vector<KeysetKeyIds> keysets;
  bool operator==(const KeyIdList&) const = default;
};

// Type 0xFD: InventoryMarker(3) · NumberOfItems(2) · items KeysetID(1) SLN(2) ALGID(1) KID(2).
struct ActiveKeyInfo {
  uint8_t keyset_id = 0;
  uint16_t sln = 0;
  uint8_t algid = 0;
  uint16_t kid = 0;
  bool operator==(const ActiveKeyInfo&) const = default;
};
struct ActiveKeyList {
  uint32_t inventory_marker = 0;
  std::vector<ActiveKeyInfo> keys;
  bool operator==(const ActiveKeyList&) const = default;
};

// Type 0x0B: NumberOfItems(2) · items RSI(3) MessageNumber(2).
struct RsiItem {
  uint32_t rsi = 0;
  uint16_t message_number = 0;
  bool operator==(const RsiItem&) const = default;
};
struct RsiItemList {
  std::vector<RsiItem> items;
  bool operator==(const RsiItemList&) const = default;
};

// Type 0xFE: MNP(2).
struct MnpValue {
  uint16_t message_number_period = 0;
  bool operator==(const MnpValue&) const = default;
};

// Type 0xFF: KMF RSI(3).
struct KmfRsiValue {
  uint32_t kmf_rsi = 0;
  bool operator==(const KmfRsiValue&) const = default;
};

// Any other type: NumberOfItems(2) · items kept as octets.
struct OpaqueInventory {
  uint16_t number_of_items = 0;
  Bytes items;
  bool operator==(const OpaqueInventory&) const = default;
};

using InventoryList = std::variant<KeysetIdList, KeyIdList, ActiveKeyList, RsiItemList, MnpValue,
                                   KmfRsiValue, OpaqueInventory>;

// InventoryType(1) · the list for that type. The type decides which alternative is valid.
struct InventoryResponse {
  static constexpr MessageId kId = MessageId::kInventoryResponse;
  InventoryType type = InventoryType::kListActiveKeysetIds;
  InventoryList list;

  bool operator==(const InventoryResponse&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<InventoryResponse> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
