// TIA-102.AACA §9.2 (keybridge choice): campaign parameters and names.
#include "kmf/campaign.h"

namespace kb::kmf {

std::string_view CampaignKindName(CampaignKind k) {
  switch (k) {
    case CampaignKind::kRekey:
      return "rekey";
    case CampaignKind::kModifyKey:
      return "modify-key";
    case CampaignKind::kChangeover:
      return "changeover";
    case CampaignKind::kZeroize:
      return "zeroize";
    case CampaignKind::kInventory:
      return "inventory";
    case CampaignKind::kChangeRsi:
      return "change-rsi";
    case CampaignKind::kRegistration:
      return "registration";
    case CampaignKind::kWarmStart:
      return "warm-start";
    case CampaignKind::kHelloRekey:
      return "hello-rekey";
    case CampaignKind::kDeleteKey:
      return "delete-key";
  }
  return "unknown";
}

std::string_view TaskStateName(TaskState s) {
  switch (s) {
    case TaskState::kQueued:
      return "queued";
    case TaskState::kSent:
      return "sent";
    case TaskState::kDone:
      return "done";
    case TaskState::kFailed:
      return "failed";
    case TaskState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string_view UnitStateName(UnitState s) {
  switch (s) {
    case UnitState::kActive:
      return "active";
    case UnitState::kRegistered:
      return "registered";
    case UnitState::kDeregistered:
      return "deregistered";
    case UnitState::kZeroized:
      return "zeroized";
  }
  return "unknown";
}

// Version(1)=1 · NumberOfKeys(1) · keys (KeysetID SLN KID ALGID) · Superseded(1) · Activated(1)
// · InventoryType(1) · NewRSI(3).
Bytes CampaignParams::Encode() const {
  ByteWriter w;
  w.U8(1).U8(static_cast<uint8_t>(keys.size()));
  for (const auto& k : keys) w.U8(k.keyset_id).U16(k.sln).U16(k.kid).U8(k.algid);
  w.U8(superseded_keyset).U8(activated_keyset).U8(inventory_type).U24(new_rsi);
  return std::move(w).Take();
}

Result<CampaignParams> CampaignParams::Decode(ByteView b) {
  ByteReader r(b);
  CampaignParams p;
  KB_TRY(uint8_t version, r.U8("params version"));
  if (version != 1) return Fail(r.MalformedAt("params version", "unknown"));
  KB_TRY(uint8_t n, r.U8("params key count"));
  for (uint8_t i = 0; i < n; ++i) {
    KeyRef k;
    KB_TRY(k.keyset_id, r.U8("params keyset"));
    KB_TRY(k.sln, r.U16("params SLN"));
    KB_TRY(k.kid, r.U16("params KID"));
    KB_TRY(k.algid, r.U8("params ALGID"));
    p.keys.push_back(k);
  }
  KB_TRY(p.superseded_keyset, r.U8("params superseded keyset"));
  KB_TRY(p.activated_keyset, r.U8("params activated keyset"));
  KB_TRY(p.inventory_type, r.U8("params inventory type"));
  KB_TRY(p.new_rsi, r.U24("params new RSI"));
  KB_CHECK(r.ExpectEnd("campaign params"));
  return p;
}

}  // namespace kb::kmf
