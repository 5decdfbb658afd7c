// TIA-102.AACA OTAR: the KMF engine (AACA §9.2 behaviour; campaign rules in docs/kmf.md).
#include "kmf/kmf_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "crypto/aes.h"
#include "kmf/kmm_seal.h"
#include "p25/algorithm_id.h"
#include "p25/key_fingerprint.h"

namespace kb::kmf {
namespace {

using p25::MessageId;
using p25::OperationStatus;

// Rolls back an open transaction unless committed.
class Txn {
 public:
  explicit Txn(KmfStore& s) : s_(s) {}
  ~Txn() {
    if (open_) (void)s_.Rollback();
  }
  Status Begin() {
    KB_CHECK(s_.Begin());
    open_ = true;
    return Ok();
  }
  Status Commit() {
    open_ = false;
    return s_.Commit();
  }

 private:
  KmfStore& s_;
  bool open_ = false;
};

Error NoSuchUnit(std::string_view org, Rsi rsi) {
  return Error::NotFound(fmt::format("unit {} not found in organisation {}", rsi, org));
}

MessageId CommandIdOf(CampaignKind k) {
  switch (k) {
    case CampaignKind::kRekey:
    case CampaignKind::kHelloRekey:
      return MessageId::kRekeyCommand;
    case CampaignKind::kModifyKey:
      return MessageId::kModifyKeyCommand;
    case CampaignKind::kChangeover:
      return MessageId::kChangeoverCommand;
    case CampaignKind::kZeroize:
      return MessageId::kZeroizeCommand;
    case CampaignKind::kInventory:
      return MessageId::kInventoryCommand;
    case CampaignKind::kChangeRsi:
      return MessageId::kChangeRsiCommand;
    case CampaignKind::kRegistration:
      return MessageId::kRegistrationCommand;
    case CampaignKind::kWarmStart:
      return MessageId::kWarmStartCommand;
  }
  return MessageId::kNull;
}

std::string StatusText(uint8_t s) {
  switch (static_cast<OperationStatus>(s)) {
    case OperationStatus::kCommandPerformed:
      return "command performed";
    case OperationStatus::kCommandNotPerformed:
      return "command not performed";
    case OperationStatus::kItemDoesNotExist:
      return "item does not exist";
    case OperationStatus::kInvalidMessageId:
      return "invalid message ID";
    case OperationStatus::kInvalidMac:
      return "invalid MAC";
    case OperationStatus::kOutOfMemory:
      return "out of memory";
    case OperationStatus::kCouldNotDecrypt:
      return "could not decrypt";
    case OperationStatus::kInvalidMessageNumber:
      return "invalid message number";
    case OperationStatus::kInvalidKeyId:
      return "invalid key ID";
    case OperationStatus::kInvalidAlgorithmId:
      return "invalid ALGID";
    case OperationStatus::kInvalidMfid:
      return "invalid MFID";
    case OperationStatus::kModuleFailure:
      return "module failure";
    case OperationStatus::kMiAllZeros:
      return "MI all zeros";
    case OperationStatus::kKeyFail:
      return "key fail";
    default:
      return "unknown";
  }
}

Result<p25::KeyItem> WrapTek(const Tek& tek, const Unit& unit) {
  KB_TRY(Bytes wrapped, crypto::AesKeyWrap(unit.ukek.key.Reveal(), tek.key.Reveal()));
  return p25::KeyItem{0x00, tek.ref.sln, tek.ref.kid, SecretBytes::Adopt(std::move(wrapped))};
}

}  // namespace

// Per-Tick caches: an organisation's TEKs are read (and unsealed) once per batch.
struct KmfEngine::TickCache {
  std::map<std::string, std::vector<Tek>, std::less<>> teks;
  Result<const std::vector<Tek>*> Teks(KmfStore& store, std::string_view org) {
    auto it = teks.find(org);
    if (it == teks.end()) {
      KB_TRY(auto list, store.ListTeks(org));
      it = teks.emplace(std::string(org), std::move(list)).first;
    }
    return &it->second;
  }
};

Duration KmfEngine::TimeoutFor(uint32_t attempts) const {
  Duration t = opt_.first_timeout;
  for (uint32_t i = 1; i < attempts && t < opt_.max_timeout; ++i) t *= 2;
  return std::min(t, opt_.max_timeout);
}

// ------------------------------------------------------------------------------------------
// Administration

Status KmfEngine::RequireOrg(std::string_view org) {
  KB_TRY(auto o, store_.FindOrganisation(org));
  if (!o) return Fail(Error::NotFound(fmt::format("organisation {} not found", org)));
  return Ok();
}

Result<UnitSummary> KmfEngine::OwnedUnit(std::string_view org, Rsi rsi) {
  KB_TRY(auto u, store_.FindUnitSummary(rsi));
  if (!u || u->org != org) return Fail(NoSuchUnit(org, rsi));
  return std::move(*u);
}

Status KmfEngine::AddOrganisation(const Organisation& org) {
  if (org.id.empty() || org.id.size() > 64)
    return Fail(Error::InvalidArgument("organisation id: 1 to 64 characters"));
  return store_.AddOrganisation(org);
}

Status KmfEngine::PutKeyset(std::string_view org, uint8_t keyset_id, bool active) {
  KB_CHECK(RequireOrg(org));
  if (keyset_id == 0 || keyset_id == kKekKeysetId)
    return Fail(Error::InvalidArgument("TEK keyset id: 1 to 254"));
  Txn txn(store_);
  KB_CHECK(txn.Begin());
  if (active) {
    KB_TRY(auto all, store_.ListKeysets(org));
    for (auto& ks : all)
      if (ks.active && ks.keyset_id != keyset_id) {
        ks.active = false;
        KB_CHECK(store_.PutKeyset(ks));
      }
  }
  KB_CHECK(store_.PutKeyset({std::string(org), keyset_id, active}));
  return txn.Commit();
}

Status KmfEngine::PutTek(std::string_view org, Tek tek) {
  KB_CHECK(RequireOrg(org));
  tek.org = std::string(org);
  size_t len = p25::KeyLengthOf(tek.ref.algid);
  if (tek.ref.algid != p25::kAlgidAes256 && tek.ref.algid != p25::kAlgidAes128)
    return Fail(Error::Unsupported(
        fmt::format("TEK ALGID 0x{:02X}: OTAR wraps AES-128/256 keys only", tek.ref.algid)));
  if (tek.key.size() != len)
    return Fail(Error::InvalidArgument(fmt::format("TEK: expected {} octets", len)));
  if (tek.ref.keyset_id == 0 || tek.ref.keyset_id == kKekKeysetId)
    return Fail(Error::InvalidArgument("TEK keyset id: 1 to 254"));
  KB_TRY(auto keysets, store_.ListKeysets(org));
  bool known = std::any_of(keysets.begin(), keysets.end(),
                           [&](const Keyset& k) { return k.keyset_id == tek.ref.keyset_id; });
  if (!known) KB_CHECK(PutKeyset(org, tek.ref.keyset_id, keysets.empty()));
  return store_.PutTek(tek);
}

Status KmfEngine::AddUnit(std::string_view org, Unit unit) {
  KB_CHECK(RequireOrg(org));
  unit.org = std::string(org);
  if (unit.rsi == 0 || unit.rsi > kMaxRsi || unit.kmf_rsi > kMaxRsi)
    return Fail(Error::InvalidArgument("RSI: 1 to 0xFFFFFF"));
  if (unit.ukek.algid != p25::kAlgidAes256 || unit.ukek.key.size() != 32)
    return Fail(Error::InvalidArgument("UKEK: AES-256 (ALGID 0x84), 32 octets"));
  if (unit.mac_key.key.empty()) unit.mac_key = unit.ukek.Clone();
  if (unit.mac_key.algid != p25::kAlgidAes256 || unit.mac_key.key.size() != 32)
    return Fail(Error::InvalidArgument("MAC key: AES-256 (ALGID 0x84), 32 octets"));
  KB_TRY(auto existing, store_.FindUnitSummary(unit.rsi));
  if (existing && existing->org != org)
    return Fail(Error::Conflict(fmt::format("RSI {} is not available", unit.rsi)));
  return store_.PutUnit(unit);
}

Status KmfEngine::PutGroup(std::string_view org, Group group) {
  KB_CHECK(RequireOrg(org));
  group.org = std::string(org);
  if (group.name.empty()) return Fail(Error::InvalidArgument("group name: empty"));
  std::sort(group.members.begin(), group.members.end());
  group.members.erase(std::unique(group.members.begin(), group.members.end()), group.members.end());
  for (Rsi r : group.members) KB_CHECK(OwnedUnit(org, r));
  return store_.PutGroup(group);
}

Status KmfEngine::DeleteGroup(std::string_view org, std::string_view name) {
  KB_CHECK(RequireOrg(org));
  KB_TRY(auto g, store_.FindGroup(org, name));
  if (!g)
    return Fail(Error::NotFound(fmt::format("group {} not found in organisation {}", name, org)));
  return store_.DeleteGroup(org, name);
}

Result<UnitInfo> KmfEngine::GetUnit(std::string_view org, Rsi rsi) { return OwnedUnit(org, rsi); }

Result<std::vector<UnitInfo>> KmfEngine::ListUnits(std::string_view org) {
  KB_CHECK(RequireOrg(org));
  KB_TRY(auto rsis, store_.ListUnits(org));
  std::sort(rsis.begin(), rsis.end());
  std::vector<UnitInfo> out;
  out.reserve(rsis.size());
  for (Rsi r : rsis) {
    KB_TRY(UnitSummary u, OwnedUnit(org, r));
    out.push_back(std::move(u));
  }
  return out;
}

Result<NamedKey> KmfEngine::ExportUkek(std::string_view org, Rsi rsi) {
  KB_CHECK(OwnedUnit(org, rsi));
  KB_TRY(auto unit, store_.FindUnit(rsi));
  if (!unit || unit->org != org) return Fail(NoSuchUnit(org, rsi));
  return std::move(unit->ukek);
}

Result<std::vector<KeyRef>> KmfEngine::ListKeys(std::string_view org) {
  KB_CHECK(RequireOrg(org));
  KB_TRY(auto teks, store_.ListTeks(org));
  std::vector<KeyRef> out;
  for (const auto& t : teks) out.push_back(t.ref);
  return out;
}

Result<std::vector<UnitExpectation>> KmfEngine::Expected(std::string_view org) {
  KB_CHECK(RequireOrg(org));
  KB_TRY(auto rsis, store_.ListUnits(org));
  std::sort(rsis.begin(), rsis.end());
  KB_TRY(auto teks, store_.ListTeks(org));
  std::sort(teks.begin(), teks.end(), [](const Tek& a, const Tek& b) {
    return std::pair(a.ref.keyset_id, a.ref.sln) < std::pair(b.ref.keyset_id, b.ref.sln);
  });
  std::vector<UnitExpectation> out;
  out.reserve(rsis.size());
  for (Rsi r : rsis) {
    KB_TRY(auto unit, store_.FindUnit(r));
    if (!unit || unit->org != org) continue;
    UnitExpectation e;
    e.org = unit->org;
    e.rsi = unit->rsi;
    e.state = unit->state;
    e.root_key = {{kKekKeysetId, 0, unit->ukek.kid, unit->ukek.algid},
                  p25::KeyFingerprint(unit->ukek.key)};
    if (unit->state != UnitState::kZeroized) {
      KB_TRY(auto groups, store_.GroupsOfUnit(r));
      std::set<uint16_t> slns;
      for (const auto& g : groups)
        if (g.org == org) slns.insert(g.slns.begin(), g.slns.end());
      for (const Tek& t : teks)
        if (t.org == org && slns.contains(t.ref.sln))
          e.keys.push_back({t.ref, p25::KeyFingerprint(t.key)});
    }
    out.push_back(std::move(e));
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Operations

Result<int64_t> KmfEngine::StartCampaign(std::string_view org, CampaignKind kind,
                                         const CampaignParams& params,
                                         const std::vector<Rsi>& units, TimePoint now,
                                         std::string description) {
  Txn txn(store_);
  KB_CHECK(txn.Begin());
  Campaign c{0, std::string(org), kind, params.Encode(), now, std::move(description)};
  KB_TRY(int64_t id, store_.AddCampaign(c));
  for (Rsi r : units) {
    Task t;
    t.campaign_id = id;
    t.org = c.org;
    t.rsi = r;
    t.kind = kind;
    t.params = c.params;
    t.next_due = now;
    t.updated = now;
    KB_CHECK(store_.AddTask(t));
  }
  KB_CHECK(txn.Commit());
  return id;
}

Result<int64_t> KmfEngine::RekeyUnit(std::string_view org, Rsi rsi, TimePoint now) {
  KB_TRY(UnitSummary u, OwnedUnit(org, rsi));
  if (u.state == UnitState::kZeroized)
    return Fail(Error::Conflict(fmt::format("unit {} is zeroized", rsi)));
  return StartCampaign(org, CampaignKind::kRekey, {}, {rsi}, now,
                       fmt::format("rekey unit {}", rsi));
}

Result<int64_t> KmfEngine::RekeyGroup(std::string_view org, std::string_view name, TimePoint now) {
  KB_CHECK(RequireOrg(org));
  KB_TRY(auto g, store_.FindGroup(org, name));
  if (!g)
    return Fail(Error::NotFound(fmt::format("group {} not found in organisation {}", name, org)));
  std::vector<Rsi> units;
  for (Rsi r : g->members) {
    KB_TRY(UnitSummary u, OwnedUnit(org, r));
    if (u.state != UnitState::kZeroized) units.push_back(r);
  }
  return StartCampaign(org, CampaignKind::kRekey, {}, units, now,
                       fmt::format("rekey {}group {}", g->temporary ? "temporary " : "", name));
}

Result<int64_t> KmfEngine::RekeyAll(std::string_view org, TimePoint now) {
  KB_CHECK(RequireOrg(org));
  KB_TRY(auto all, store_.ListUnits(org));
  std::vector<Rsi> units;
  units.reserve(all.size());
  for (Rsi r : all) {
    KB_TRY(UnitSummary u, OwnedUnit(org, r));
    if (u.state != UnitState::kZeroized) units.push_back(r);
  }
  return StartCampaign(org, CampaignKind::kRekey, {}, units, now, "rekey all units");
}

Result<std::vector<Rsi>> KmfEngine::UnitsNeedingSln(std::string_view org, uint16_t sln) {
  KB_TRY(auto groups, store_.ListGroups(org));
  std::set<Rsi> rsis;
  for (const auto& g : groups)
    if (std::find(g.slns.begin(), g.slns.end(), sln) != g.slns.end())
      rsis.insert(g.members.begin(), g.members.end());
  std::vector<Rsi> out;
  for (Rsi r : rsis) {
    KB_TRY(UnitSummary u, OwnedUnit(org, r));
    if (u.state != UnitState::kZeroized) out.push_back(r);
  }
  return out;
}

Result<int64_t> KmfEngine::ModifyKey(std::string_view org, Tek tek, TimePoint now) {
  KeyRef ref = tek.ref;
  KB_CHECK(PutTek(org, std::move(tek)));
  KB_TRY(auto units, UnitsNeedingSln(org, ref.sln));
  CampaignParams p;
  p.keys.push_back(ref);
  return StartCampaign(
      org, CampaignKind::kModifyKey, p, units, now,
      fmt::format("modify key keyset {} SLN {} KID 0x{:04X}", ref.keyset_id, ref.sln, ref.kid));
}

Result<int64_t> KmfEngine::Changeover(std::string_view org, uint8_t superseded, uint8_t activated,
                                      TimePoint now) {
  KB_CHECK(RequireOrg(org));
  KB_TRY(auto keysets, store_.ListKeysets(org));
  bool known = std::any_of(keysets.begin(), keysets.end(),
                           [&](const Keyset& k) { return k.keyset_id == activated; });
  if (!known)
    return Fail(
        Error::NotFound(fmt::format("keyset {} not found in organisation {}", activated, org)));
  KB_CHECK(PutKeyset(org, activated, true));
  KB_TRY(auto all, store_.ListUnits(org));
  std::vector<Rsi> units;
  for (Rsi r : all) {
    KB_TRY(UnitSummary u, OwnedUnit(org, r));
    if (u.state != UnitState::kZeroized) units.push_back(r);
  }
  CampaignParams p;
  p.superseded_keyset = superseded;
  p.activated_keyset = activated;
  return StartCampaign(org, CampaignKind::kChangeover, p, units, now,
                       fmt::format("changeover keyset {} -> {}", superseded, activated));
}

Result<int64_t> KmfEngine::Zeroize(std::string_view org, Rsi rsi, TimePoint now) {
  KB_TRY(UnitSummary u, OwnedUnit(org, rsi));
  // Other commands to a lost unit are pointless and would delay the zeroize: cancel them.
  Txn txn(store_);
  KB_CHECK(txn.Begin());
  while (true) {
    KB_TRY(auto head, store_.HeadTask(rsi));
    if (!head) break;
    head->state = TaskState::kCancelled;
    head->detail = "cancelled by zeroize";
    head->updated = now;
    KB_CHECK(store_.UpdateTask(*head));
  }
  KB_CHECK(txn.Commit());
  return StartCampaign(org, CampaignKind::kZeroize, {}, {rsi}, now,
                       fmt::format("zeroize unit {}", rsi));
}

Result<int64_t> KmfEngine::Inventory(std::string_view org, Rsi rsi, uint8_t inventory_type,
                                     TimePoint now) {
  KB_CHECK(OwnedUnit(org, rsi));
  CampaignParams p;
  p.inventory_type = inventory_type;
  return StartCampaign(org, CampaignKind::kInventory, p, {rsi}, now,
                       fmt::format("inventory 0x{:02X} of unit {}", inventory_type, rsi));
}

Result<int64_t> KmfEngine::ChangeRsi(std::string_view org, Rsi rsi, Rsi new_rsi, TimePoint now) {
  KB_CHECK(OwnedUnit(org, rsi));
  if (new_rsi == 0 || new_rsi > kMaxRsi) return Fail(Error::InvalidArgument("new RSI"));
  KB_TRY(auto clash, store_.FindUnitSummary(new_rsi));
  if (clash) return Fail(Error::Conflict(fmt::format("RSI {} is not available", new_rsi)));
  CampaignParams p;
  p.new_rsi = new_rsi;
  return StartCampaign(org, CampaignKind::kChangeRsi, p, {rsi}, now,
                       fmt::format("change RSI {} -> {}", rsi, new_rsi));
}

Result<int64_t> KmfEngine::Register(std::string_view org, Rsi rsi, TimePoint now) {
  KB_CHECK(OwnedUnit(org, rsi));
  return StartCampaign(org, CampaignKind::kRegistration, {}, {rsi}, now,
                       fmt::format("register unit {}", rsi));
}

Result<int64_t> KmfEngine::WarmStart(std::string_view org, Rsi rsi, TimePoint now) {
  KB_TRY(UnitSummary u, OwnedUnit(org, rsi));
  if (u.state == UnitState::kZeroized)
    return Fail(Error::Conflict(fmt::format("unit {} is zeroized", rsi)));
  KB_TRY(auto groups, store_.GroupsOfUnit(rsi));
  std::set<uint16_t> slns;
  for (const auto& g : groups)
    if (g.org == org) slns.insert(g.slns.begin(), g.slns.end());
  KB_TRY(auto teks, store_.ListTeks(org));
  KB_TRY(auto keysets, store_.ListKeysets(org));
  // Warm-Start-Command names no keyset: the unit stores the key in its active keyset, so only
  // the organisation's active keyset is sent.
  auto active =
      std::find_if(keysets.begin(), keysets.end(), [](const Keyset& k) { return k.active; });
  if (active == keysets.end())
    return Fail(Error::NotFound(fmt::format("organisation {} has no active keyset", org)));
  Txn txn(store_);
  KB_CHECK(txn.Begin());
  Campaign c{0,
             std::string(org),
             CampaignKind::kWarmStart,
             CampaignParams{}.Encode(),
             now,
             fmt::format("warm start unit {}", rsi)};
  KB_TRY(int64_t id, store_.AddCampaign(c));
  for (const auto& t : teks) {
    if (!slns.contains(t.ref.sln) || t.ref.keyset_id != active->keyset_id) continue;
    CampaignParams p;
    p.keys.push_back(t.ref);
    Task task;
    task.campaign_id = id;
    task.org = c.org;
    task.rsi = rsi;
    task.kind = CampaignKind::kWarmStart;
    task.params = p.Encode();
    task.next_due = now;
    task.updated = now;
    KB_CHECK(store_.AddTask(task));
  }
  KB_CHECK(txn.Commit());
  return id;
}

// ------------------------------------------------------------------------------------------
// Sending

Status KmfEngine::FailTask(Task& task, TimePoint now, uint8_t status, std::string detail) {
  task.state = TaskState::kFailed;
  task.status = status;
  task.detail = std::move(detail);
  task.updated = now;
  ++counters_.failed;
  return store_.UpdateTask(task);
}

Status KmfEngine::FinishTask(Task& task, TimePoint now, std::string detail) {
  task.state = TaskState::kDone;
  task.status = 0;
  task.detail = std::move(detail);
  task.updated = now;
  ++counters_.acked;
  return store_.UpdateTask(task);
}

Status KmfEngine::SendTask(Task& task, TimePoint now, TickCache& cache,
                           std::vector<Outbound>& out) {
  KB_TRY(auto found, store_.FindUnit(task.rsi));
  if (!found || found->org != task.org)  // never address a unit outside the task's organisation
    return FailTask(task, now, 0xFF, "unit no longer in the organisation");
  Unit& unit = *found;
  if (unit.state == UnitState::kZeroized && task.kind != CampaignKind::kZeroize) {
    task.state = TaskState::kCancelled;
    task.detail = "unit zeroized";
    task.updated = now;
    return store_.UpdateTask(task);
  }
  KB_TRY(CampaignParams params, CampaignParams::Decode(task.params));
  p25::DecryptionInstruction under_ukek{unit.ukek.algid, unit.ukek.kid, std::nullopt};

  std::optional<p25::KmmBody> body;
  switch (task.kind) {
    case CampaignKind::kRekey:
    case CampaignKind::kHelloRekey: {
      KB_TRY(auto groups, store_.GroupsOfUnit(unit.rsi));
      std::set<uint16_t> slns;
      for (const auto& g : groups)
        if (g.org == unit.org) slns.insert(g.slns.begin(), g.slns.end());
      KB_TRY(const std::vector<Tek>* teks, cache.Teks(store_, unit.org));
      p25::RekeyCommand cmd{under_ukek, {}};
      for (const Tek& t : *teks) {
        if (t.org != unit.org || !slns.contains(t.ref.sln)) continue;
        KB_TRY(p25::KeyItem item, WrapTek(t, unit));
        auto wire_len = static_cast<uint8_t>(item.key.size());
        auto ks = std::find_if(cmd.keysets.begin(), cmd.keysets.end(), [&](const auto& k) {
          return k.keyset_id == t.ref.keyset_id && k.algid == t.ref.algid;
        });
        if (ks == cmd.keysets.end()) {
          cmd.keysets.push_back(p25::KeysetItem{0x00, t.ref.keyset_id, t.ref.algid, wire_len, {}});
          ks = cmd.keysets.end() - 1;
        }
        ks->keys.push_back(std::move(item));
      }
      if (cmd.keysets.empty()) return FinishTask(task, now, "no keys to send");
      body = std::move(cmd);
      break;
    }
    case CampaignKind::kModifyKey:
    case CampaignKind::kWarmStart: {
      if (params.keys.empty()) return FailTask(task, now, 0xFF, "no key named");
      KB_TRY(const std::vector<Tek>* teks, cache.Teks(store_, unit.org));
      const KeyRef& want = params.keys.front();
      auto t = std::find_if(teks->begin(), teks->end(), [&](const Tek& k) {
        return k.ref.keyset_id == want.keyset_id && k.ref.sln == want.sln;
      });
      if (t == teks->end() || t->org != unit.org)
        return FailTask(task, now, 0x02, "key no longer in the database");
      KB_TRY(p25::KeyItem item, WrapTek(*t, unit));
      auto wire_len = static_cast<uint8_t>(item.key.size());
      if (task.kind == CampaignKind::kModifyKey) {
        p25::ModifyKeyCommand cmd;
        cmd.decryption = under_ukek;
        cmd.keyset_id = t->ref.keyset_id;
        cmd.algid = t->ref.algid;
        cmd.key_length = wire_len;
        cmd.keys.push_back(std::move(item));
        body = std::move(cmd);
      } else {
        body = p25::WarmStartCommand{under_ukek, wire_len, t->ref.algid, std::move(item)};
      }
      break;
    }
    case CampaignKind::kChangeover:
      body = p25::ChangeoverCommand{{{params.superseded_keyset, params.activated_keyset}}};
      break;
    case CampaignKind::kZeroize:
      body = p25::ZeroizeCommand{};
      break;
    case CampaignKind::kInventory: {
      p25::InventoryCommand cmd;
      cmd.type = static_cast<p25::InventoryType>(params.inventory_type);
      if (cmd.type == p25::InventoryType::kListActiveKeys)
        cmd.paging = p25::InventoryPaging{0, 0xFFFF};
      body = std::move(cmd);
      break;
    }
    case CampaignKind::kChangeRsi:
      break;  // needs the MN, built below
    case CampaignKind::kRegistration:
      body = p25::RegistrationCommand{0x00, unit.kmf_rsi};
      break;
  }

  auto mn = static_cast<uint16_t>(unit.last_mn + 1);
  if (task.kind == CampaignKind::kChangeRsi)
    body = p25::ChangeRsiCommand{0x01, unit.rsi, params.new_rsi, mn};
  p25::Kmm kmm;
  kmm.header.response_kind = p25::ResponseKind::kImmediate;
  kmm.header.destination_rsi = unit.rsi;
  kmm.header.source_rsi = unit.kmf_rsi;
  kmm.header.message_number = mn;
  kmm.body = std::move(*body);
  KB_TRY(Bytes wire, SealKmm(kmm, unit));
  KB_CHECK(store_.SetUnitLastMn(unit.rsi, mn));

  if (task.state == TaskState::kSent) ++counters_.resent;
  ++counters_.sent;
  task.state = TaskState::kSent;
  task.attempts += 1;
  task.mns.push_back(mn);
  task.next_due = now + TimeoutFor(task.attempts);
  task.updated = now;
  KB_CHECK(store_.UpdateTask(task));
  out.push_back({unit.rsi, task.id, std::move(wire)});
  return Ok();
}

Status KmfEngine::SendOrFail(Task& task, TimePoint now, TickCache& cache,
                             std::vector<Outbound>& out) {
  auto st = SendTask(task, now, cache, out);
  if (st || st.error().kind() == ErrorKind::kIo) return st;
  // A command that cannot be built (a damaged key record, say) fails its task, not the batch.
  return FailTask(task, now, 0xFF, "cannot build the command: " + st.error().message());
}

Status KmfEngine::SendHeadIfDue(Rsi rsi, TimePoint now, TickCache& cache,
                                std::vector<Outbound>& out) {
  // Loops past tasks that finish without sending (nothing to send, retries exhausted).
  for (int guard = 0; guard < 1000; ++guard) {
    KB_TRY(auto head, store_.HeadTask(rsi));
    if (!head || head->next_due > now) return Ok();
    if (head->state == TaskState::kSent && head->attempts >= opt_.max_attempts) {
      KB_CHECK(
          FailTask(*head, now, 0xFF, fmt::format("no answer after {} attempts", head->attempts)));
      continue;
    }
    size_t before = out.size();
    KB_CHECK(SendOrFail(*head, now, cache, out));
    if (out.size() > before) return Ok();
  }
  return Ok();
}

Result<std::vector<Outbound>> KmfEngine::Tick(TimePoint now) {
  std::vector<Outbound> out;
  TickCache cache;
  Txn txn(store_);
  KB_CHECK(txn.Begin());
  KB_TRY(auto due, store_.DueHeadTasks(now, opt_.max_sends_per_tick));
  out.reserve(due.size());
  for (Task& t : due) {
    if (t.state == TaskState::kSent && t.attempts >= opt_.max_attempts) {
      KB_CHECK(FailTask(t, now, 0xFF, fmt::format("no answer after {} attempts", t.attempts)));
      KB_CHECK(SendHeadIfDue(t.rsi, now, cache, out));
      continue;
    }
    size_t before = out.size();
    KB_CHECK(SendOrFail(t, now, cache, out));
    if (out.size() == before) KB_CHECK(SendHeadIfDue(t.rsi, now, cache, out));
  }
  KB_CHECK(txn.Commit());
  return out;
}

// ------------------------------------------------------------------------------------------
// Receiving

Result<Outbound> KmfEngine::Reply(Unit& unit, p25::KmmBody body) {
  p25::Kmm kmm;
  kmm.header.response_kind = p25::ResponseKind::kNone;
  kmm.header.destination_rsi = unit.rsi;
  kmm.header.source_rsi = unit.kmf_rsi;
  auto mn = static_cast<uint16_t>(unit.last_mn + 1);
  kmm.header.message_number = mn;
  kmm.body = std::move(body);
  KB_TRY(Bytes wire, SealKmm(kmm, unit));
  KB_CHECK(store_.SetUnitLastMn(unit.rsi, mn));
  unit.last_mn = mn;
  return Outbound{unit.rsi, 0, std::move(wire)};
}

Result<std::optional<Task>> KmfEngine::MatchInFlight(const Unit& unit, const p25::Kmm& in,
                                                     std::initializer_list<CampaignKind> kinds) {
  KB_TRY(auto head, store_.HeadTask(unit.rsi));
  if (!head || head->state != TaskState::kSent) return std::optional<Task>{};
  if (std::find(kinds.begin(), kinds.end(), head->kind) == kinds.end())
    return std::optional<Task>{};
  // An answer echoes the command's Message Number; any attempt's number is accepted.
  if (in.header.message_number &&
      std::find(head->mns.begin(), head->mns.end(), *in.header.message_number) == head->mns.end())
    return std::optional<Task>{};
  return head;
}

Result<std::vector<Outbound>> KmfEngine::HandleInbound(ByteView kmm, TimePoint now) {
  KB_TRY(p25::KmmFrame frame, p25::DecodeKmmFrame(kmm));
  KB_TRY(auto found, store_.FindUnit(frame.header.source_rsi));
  if (!found) {
    ++counters_.dropped;
    return Fail(Error::NotFound(fmt::format("KMM from unknown RSI {}", frame.header.source_rsi)));
  }
  Unit& unit = *found;
  if (frame.header.destination_rsi != unit.kmf_rsi) {
    ++counters_.dropped;
    return Fail(Error::WrongRecipient(
        fmt::format("KMM for RSI {}, this KMF is {}", frame.header.destination_rsi, unit.kmf_rsi)));
  }
  auto opened = OpenKmm(kmm, unit);
  if (!opened) {
    ++counters_.dropped;
    return Fail(opened.error());
  }
  Txn txn(store_);
  KB_CHECK(txn.Begin());
  KB_TRY(auto out, HandleVerified(unit, *opened, now));
  KB_CHECK(txn.Commit());
  return out;
}

Result<std::vector<Outbound>> KmfEngine::HandleVerified(Unit& unit, const p25::Kmm& in,
                                                        TimePoint now) {
  std::vector<Outbound> out;
  TickCache cache;
  auto ignore = [&]() -> Result<std::vector<Outbound>> {
    ++counters_.ignored;
    return std::vector<Outbound>{};
  };
  auto after = [&]() -> Result<std::vector<Outbound>> {
    KB_CHECK(SendHeadIfDue(unit.rsi, now, cache, out));
    return std::move(out);
  };

  if (const auto* ack = std::get_if<p25::RekeyAcknowledgment>(&in.body)) {
    KB_TRY(auto task, MatchInFlight(unit, in,
                                    {CampaignKind::kRekey, CampaignKind::kHelloRekey,
                                     CampaignKind::kModifyKey, CampaignKind::kWarmStart}));
    if (!task || ack->acknowledged_message_id != CommandIdOf(task->kind)) return ignore();
    std::string bad;
    uint8_t first_bad = 0;
    for (const auto& item : ack->items)
      if (item.status != OperationStatus::kCommandPerformed) {
        if (!first_bad) first_bad = static_cast<uint8_t>(item.status);
        bad += fmt::format("{}KID 0x{:04X}: {}", bad.empty() ? "" : "; ", item.kid,
                           StatusText(static_cast<uint8_t>(item.status)));
      }
    if (bad.empty()) {
      KB_CHECK(FinishTask(*task, now, fmt::format("{} keys acknowledged", ack->items.size())));
    } else {
      KB_CHECK(FailTask(*task, now, first_bad, bad));
    }
    return after();
  }
  if (const auto* nak = std::get_if<p25::NegativeAcknowledgment>(&in.body)) {
    KB_TRY(auto head, store_.HeadTask(unit.rsi));
    if (!head || head->state != TaskState::kSent ||
        nak->acknowledged_message_id != CommandIdOf(head->kind) ||
        std::find(head->mns.begin(), head->mns.end(), nak->message_number) == head->mns.end())
      return ignore();
    auto st = static_cast<uint8_t>(nak->status);
    if (nak->status == OperationStatus::kInvalidMessageNumber &&
        head->attempts < opt_.max_attempts) {
      // Resend at once with a fresh MN (the unit's window may have moved past ours).
      head->status = st;
      head->detail = "NAK invalid message number; resending";
      head->next_due = now;
      KB_CHECK(store_.UpdateTask(*head));
      return after();
    }
    KB_CHECK(FailTask(*head, now, st, "NAK: " + StatusText(st)));
    return after();
  }
  if (std::holds_alternative<p25::ZeroizeResponse>(in.body)) {
    KB_TRY(auto task, MatchInFlight(unit, in, {CampaignKind::kZeroize}));
    if (!task) return ignore();
    KB_CHECK(FinishTask(*task, now, "zeroized"));
    KB_CHECK(store_.SetUnitState(unit.rsi, UnitState::kZeroized));
    unit.state = UnitState::kZeroized;
    while (true) {  // nothing else may reach a zeroized unit
      KB_TRY(auto head, store_.HeadTask(unit.rsi));
      if (!head) break;
      head->state = TaskState::kCancelled;
      head->detail = "unit zeroized";
      head->updated = now;
      KB_CHECK(store_.UpdateTask(*head));
    }
    return out;
  }
  if (const auto* co = std::get_if<p25::ChangeoverResponse>(&in.body)) {
    KB_TRY(auto task, MatchInFlight(unit, in, {CampaignKind::kChangeover}));
    if (!task) return ignore();
    KB_TRY(auto params, CampaignParams::Decode(task->params));
    bool ok = std::any_of(co->instructions.begin(), co->instructions.end(), [&](const auto& i) {
      return i.superseded_keyset_id == params.superseded_keyset &&
             i.activated_keyset_id == params.activated_keyset;
    });
    if (ok)
      KB_CHECK(FinishTask(*task, now, fmt::format("keyset {} active", params.activated_keyset)));
    else
      KB_CHECK(FailTask(*task, now, 0x01, "changeover not confirmed"));
    return after();
  }
  if (const auto* inv = std::get_if<p25::InventoryResponse>(&in.body)) {
    KB_TRY(auto task, MatchInFlight(unit, in, {CampaignKind::kInventory}));
    if (!task) return ignore();
    std::string detail = fmt::format("inventory 0x{:02X}:", static_cast<uint8_t>(inv->type));
    if (const auto* ks = std::get_if<p25::KeysetIdList>(&inv->list)) {
      for (uint8_t k : ks->keyset_ids) detail += fmt::format(" keyset {}", k);
    } else if (const auto* kl = std::get_if<p25::ActiveKeyList>(&inv->list)) {
      for (const auto& k : kl->keys)
        detail += fmt::format(" {}/{}/0x{:02X}/0x{:04X}", k.keyset_id, k.sln, k.algid, k.kid);
    } else if (const auto* ki = std::get_if<p25::KeyIdList>(&inv->list)) {
      for (const auto& k : ki->keysets)
        for (uint16_t kid : k.kids) detail += fmt::format(" {}/0x{:04X}", k.keyset_id, kid);
    } else if (const auto* rl = std::get_if<p25::RsiItemList>(&inv->list)) {
      for (const auto& r : rl->items)
        detail += fmt::format(" RSI {} MN {}", r.rsi, r.message_number);
    } else if (const auto* mnp = std::get_if<p25::MnpValue>(&inv->list)) {
      detail += fmt::format(" MNP {}", mnp->message_number_period);
    } else if (const auto* kr = std::get_if<p25::KmfRsiValue>(&inv->list)) {
      detail += fmt::format(" KMF RSI {}", kr->kmf_rsi);
    } else {
      detail += " (opaque)";
    }
    KB_CHECK(FinishTask(*task, now, std::move(detail)));
    return after();
  }
  if (const auto* cr = std::get_if<p25::ChangeRsiResponse>(&in.body)) {
    KB_TRY(auto task, MatchInFlight(unit, in, {CampaignKind::kChangeRsi}));
    if (!task) return ignore();
    KB_TRY(auto params, CampaignParams::Decode(task->params));
    if (cr->status != OperationStatus::kCommandPerformed || cr->new_rsi != params.new_rsi ||
        cr->old_rsi != unit.rsi) {
      KB_CHECK(FailTask(*task, now, static_cast<uint8_t>(cr->status),
                        "change RSI refused: " + StatusText(static_cast<uint8_t>(cr->status))));
      return after();
    }
    KB_CHECK(FinishTask(*task, now, fmt::format("RSI {} -> {}", unit.rsi, params.new_rsi)));
    KB_CHECK(store_.RenameUnit(unit.rsi, params.new_rsi));
    unit.rsi = params.new_rsi;
    return after();
  }
  if (const auto* rr = std::get_if<p25::RegistrationResponse>(&in.body)) {
    KB_TRY(auto task, MatchInFlight(unit, in, {CampaignKind::kRegistration}));
    if (!task) return ignore();
    if (rr->status == OperationStatus::kCommandPerformed) {
      KB_CHECK(FinishTask(*task, now, "registered"));
      KB_CHECK(store_.SetUnitState(unit.rsi, UnitState::kRegistered));
    } else {
      KB_CHECK(FailTask(*task, now, static_cast<uint8_t>(rr->status),
                        "registration refused: " + StatusText(static_cast<uint8_t>(rr->status))));
    }
    return after();
  }
  if (const auto* utd = std::get_if<p25::UnableToDecryptResponse>(&in.body)) {
    (void)utd;
    KB_TRY(auto head, store_.HeadTask(unit.rsi));
    if (!head || head->state != TaskState::kSent) return ignore();
    KB_CHECK(FailTask(*head, now, 0x06, "unit unable to decrypt"));
    return after();
  }
  if (const auto* hello = std::get_if<p25::Hello>(&in.body)) {
    if (unit.state == UnitState::kZeroized || hello->flag == p25::Hello::kRekeyRequestNoUkek) {
      KB_TRY(Outbound o, Reply(unit, p25::NoService{}));
      out.push_back(std::move(o));
      return out;
    }
    if (hello->flag == p25::Hello::kRekeyRequestWithUkek) {
      KB_TRY(auto head, store_.HeadTask(unit.rsi));
      bool pending = false;
      if (head)  // a rekey already queued or in flight answers this request too
        pending = head->kind == CampaignKind::kHelloRekey || head->kind == CampaignKind::kRekey;
      if (!pending) {
        Campaign c{0,
                   unit.org,
                   CampaignKind::kHelloRekey,
                   CampaignParams{}.Encode(),
                   now,
                   fmt::format("rekey request from unit {}", unit.rsi)};
        KB_TRY(int64_t id, store_.AddCampaign(c));
        Task t;
        t.campaign_id = id;
        t.org = unit.org;
        t.rsi = unit.rsi;
        t.kind = CampaignKind::kHelloRekey;
        t.params = c.params;
        t.next_due = now;
        t.updated = now;
        KB_CHECK(store_.AddTask(t));
      } else if (head->state == TaskState::kSent) {
        head->next_due = now;  // the unit asks again: resend now
        KB_CHECK(store_.UpdateTask(*head));
      }
      return after();
    }
    // Identification: the unit is reachable; resend an outstanding command now.
    KB_TRY(auto head, store_.HeadTask(unit.rsi));
    if (head && head->state == TaskState::kSent && head->next_due > now) {
      head->next_due = now;
      KB_CHECK(store_.UpdateTask(*head));
    }
    return after();
  }
  if (std::holds_alternative<p25::DeregistrationCommand>(in.body)) {
    if (unit.state != UnitState::kZeroized)
      KB_CHECK(store_.SetUnitState(unit.rsi, UnitState::kDeregistered));
    KB_TRY(Outbound o,
           Reply(unit, p25::DeregistrationResponse{OperationStatus::kCommandPerformed}));
    out.push_back(std::move(o));
    return out;
  }
  return ignore();
}

// ------------------------------------------------------------------------------------------
// Status

Result<CampaignStatus> KmfEngine::GetCampaignStatus(std::string_view org, int64_t campaign_id) {
  KB_TRY(auto c, store_.FindCampaign(campaign_id));
  if (!c || c->org != org)
    return Fail(
        Error::NotFound(fmt::format("campaign {} not found in organisation {}", campaign_id, org)));
  CampaignStatus st;
  st.campaign = std::move(*c);
  KB_TRY(st.tasks, store_.ListTasks(campaign_id));
  for (const auto& t : st.tasks) {
    switch (t.state) {
      case TaskState::kQueued:
        ++st.queued;
        break;
      case TaskState::kSent:
        ++st.sent;
        break;
      case TaskState::kDone:
        ++st.done;
        break;
      case TaskState::kFailed:
        ++st.failed;
        break;
      case TaskState::kCancelled:
        ++st.cancelled;
        break;
    }
  }
  return st;
}

Result<std::vector<Campaign>> KmfEngine::ListCampaigns(std::string_view org) {
  KB_CHECK(RequireOrg(org));
  return store_.ListCampaigns(org);
}

}  // namespace kb::kmf
