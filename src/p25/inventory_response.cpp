// TIA-102.AACA 10.3 Inventory-Response body.
#include "p25/inventory_response.h"

#include <fmt/format.h>

#include "p25/key_item.h"

namespace kb::p25 {
namespace {

// Which list alternative a type uses (index into InventoryList).
size_t ListIndexOf(InventoryType t) {
  switch (t) {
    case InventoryType::kListActiveKeysetIds:
    case InventoryType::kListInactiveKeysetIds:
      return 0;
    case InventoryType::kListActiveKeyIds:
    case InventoryType::kListInactiveKeyIds:
      return 1;
    case InventoryType::kListActiveKeys:
      return 2;
    case InventoryType::kListRsiItems:
      return 3;
    case InventoryType::kListMnp:
      return 4;
    case InventoryType::kListKmfRsi:
      return 5;
    default:
      return 6;
  }
}

struct Encoder {
  ByteWriter& w;

  Status operator()(const KeysetIdList& l) {
    KB_TRY(uint64_t n, CheckedCount(l.keyset_ids.size(), 2, "Number of Items"));
    w.U16(static_cast<uint16_t>(n));
    for (uint8_t id : l.keyset_ids) w.U8(id);
    return Ok();
  }
  Status operator()(const KeyIdList& l) {
    KB_TRY(uint64_t n, CheckedCount(l.keysets.size(), 2, "Number of Items"));
    w.U16(static_cast<uint16_t>(n));
    for (const auto& k : l.keysets) {
      KB_TRY(uint64_t m, CheckedCount(k.kids.size(), 1, "Number of Key IDs"));
      w.U8(k.keyset_id).U8(k.algid).U8(static_cast<uint8_t>(m));
      for (uint16_t kid : k.kids) w.U16(kid);
    }
    return Ok();
  }
  Status operator()(const ActiveKeyList& l) {
    if (l.inventory_marker > 0xFFFFFF) {
      return Fail(Error::InvalidArgument("Inventory-Response: marker wider than 24 bits"));
    }
    KB_TRY(uint64_t n, CheckedCount(l.keys.size(), 2, "Number of Items"));
    w.U24(l.inventory_marker).U16(static_cast<uint16_t>(n));
    for (const auto& k : l.keys) w.U8(k.keyset_id).U16(k.sln).U8(k.algid).U16(k.kid);
    return Ok();
  }
  Status operator()(const RsiItemList& l) {
    KB_TRY(uint64_t n, CheckedCount(l.items.size(), 2, "Number of Items"));
    w.U16(static_cast<uint16_t>(n));
    for (const auto& i : l.items) {
      if (i.rsi > 0xFFFFFF) return Fail(Error::InvalidArgument("RSI wider than 24 bits"));
      w.U24(i.rsi).U16(i.message_number);
    }
    return Ok();
  }
  Status operator()(const MnpValue& v) {
    w.U16(v.message_number_period);
    return Ok();
  }
  Status operator()(const KmfRsiValue& v) {
    if (v.kmf_rsi > 0xFFFFFF) return Fail(Error::InvalidArgument("KMF RSI wider than 24 bits"));
    w.U24(v.kmf_rsi);
    return Ok();
  }
  Status operator()(const OpaqueInventory& o) {
    w.U16(o.number_of_items).Append(o.items);
    return Ok();
  }
};

}  // namespace

Status InventoryResponse::EncodeBody(ByteWriter& w) const {
  if (ListIndexOf(type) != list.index()) {
    return Fail(Error::InvalidArgument(
        fmt::format("Inventory-Response: list does not match inventory type 0x{:02X}",
                    static_cast<uint8_t>(type))));
  }
  w.U8(static_cast<uint8_t>(type));
  return std::visit(Encoder{w}, list);
}

Result<InventoryResponse> InventoryResponse::DecodeBody(ByteReader& r) {
  InventoryResponse resp;
  KB_TRY(uint8_t t, r.U8("Inventory Type"));
  resp.type = static_cast<InventoryType>(t);
  switch (ListIndexOf(resp.type)) {
    case 0: {
      KB_TRY(uint16_t n, r.U16("Number of Items"));
      KB_TRY(ByteView ids, r.Take(n, "Keyset IDs"));
      resp.list = KeysetIdList{Bytes(ids.begin(), ids.end())};
      break;
    }
    case 1: {
      KB_TRY(uint16_t n, r.U16("Number of Items"));
      KeyIdList l;
      for (size_t i = 0; i < n; ++i) {
        KeysetKeyIds k;
        KB_TRY(k.keyset_id, r.U8("Keyset ID"));
        KB_TRY(k.algid, r.U8("Algorithm ID"));
        KB_TRY(uint8_t m, r.U8("Number of Key IDs"));
        for (size_t j = 0; j < m; ++j) {
          KB_TRY(uint16_t kid, r.U16("Key ID"));
          k.kids.push_back(kid);
        }
        l.keysets.push_back(std::move(k));
      }
      resp.list = std::move(l);
      break;
    }
    case 2: {
      ActiveKeyList l;
      KB_TRY(l.inventory_marker, r.U24("Inventory Marker"));
      KB_TRY(uint16_t n, r.U16("Number of Items"));
      for (size_t i = 0; i < n; ++i) {
        ActiveKeyInfo k;
        KB_TRY(k.keyset_id, r.U8("Keyset ID"));
        KB_TRY(k.sln, r.U16("SLN"));
        KB_TRY(k.algid, r.U8("Algorithm ID"));
        KB_TRY(k.kid, r.U16("Key ID"));
        l.keys.push_back(k);
      }
      resp.list = std::move(l);
      break;
    }
    case 3: {
      KB_TRY(uint16_t n, r.U16("Number of Items"));
      RsiItemList l;
      for (size_t i = 0; i < n; ++i) {
        RsiItem item;
        KB_TRY(item.rsi, r.U24("RSI"));
        KB_TRY(item.message_number, r.U16("Message Number"));
        l.items.push_back(item);
      }
      resp.list = std::move(l);
      break;
    }
    case 4: {
      KB_TRY(uint16_t mnp, r.U16("Message Number Period"));
      resp.list = MnpValue{mnp};
      break;
    }
    case 5: {
      KB_TRY(uint32_t rsi, r.U24("KMF RSI"));
      resp.list = KmfRsiValue{rsi};
      break;
    }
    default: {
      OpaqueInventory o;
      KB_TRY(o.number_of_items, r.U16("Number of Items"));
      ByteView rest = r.Rest();
      o.items.assign(rest.begin(), rest.end());
      resp.list = std::move(o);
      break;
    }
  }
  return resp;
}

}  // namespace kb::p25
