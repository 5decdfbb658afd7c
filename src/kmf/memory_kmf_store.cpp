// TIA-102.AACA KMF key database held in memory.
#include "kmf/memory_kmf_store.h"

#include <fmt/format.h>

#include <algorithm>

namespace kb::kmf {
namespace {

Tek CloneTek(const Tek& t) { return {t.org, t.ref, t.key.Clone()}; }

}  // namespace

Status MemoryKmfStore::AddOrganisation(const Organisation& org) {
  if (orgs_.contains(org.id)) return Fail(Error::Conflict("organisation exists: " + org.id));
  orgs_.emplace(org.id, org);
  return Ok();
}

Result<std::optional<Organisation>> MemoryKmfStore::FindOrganisation(std::string_view id) {
  auto it = orgs_.find(id);
  if (it == orgs_.end()) return std::optional<Organisation>{};
  return std::optional<Organisation>{it->second};
}

Result<std::vector<Organisation>> MemoryKmfStore::ListOrganisations() {
  std::vector<Organisation> out;
  for (const auto& [id, o] : orgs_) out.push_back(o);
  return out;
}

Status MemoryKmfStore::PutKeyset(const Keyset& ks) {
  keysets_[{ks.org, ks.keyset_id}] = ks;
  return Ok();
}

Result<std::vector<Keyset>> MemoryKmfStore::ListKeysets(std::string_view org) {
  std::vector<Keyset> out;
  for (const auto& [k, ks] : keysets_)
    if (ks.org == org) out.push_back(ks);
  return out;
}

Status MemoryKmfStore::PutTek(const Tek& tek) {
  teks_.insert_or_assign({tek.org, tek.ref.keyset_id, tek.ref.sln}, CloneTek(tek));
  return Ok();
}

Status MemoryKmfStore::DeleteTek(std::string_view org, uint8_t keyset_id, uint16_t sln) {
  teks_.erase({std::string(org), keyset_id, sln});
  return Ok();
}

Result<std::vector<Tek>> MemoryKmfStore::ListTeks(std::string_view org) {
  std::vector<Tek> out;
  for (const auto& [k, t] : teks_)
    if (t.org == org) out.push_back(CloneTek(t));
  return out;
}

Status MemoryKmfStore::PutUnit(const Unit& unit) {
  auto it = units_.find(unit.rsi);
  if (it != units_.end() && it->second.org != unit.org)
    return Fail(Error::Conflict(fmt::format("RSI {} belongs to another organisation", unit.rsi)));
  units_.insert_or_assign(unit.rsi, unit.Clone());
  return Ok();
}

Result<std::optional<Unit>> MemoryKmfStore::FindUnit(Rsi rsi) {
  auto it = units_.find(rsi);
  if (it == units_.end()) return std::optional<Unit>{};
  return std::optional<Unit>{it->second.Clone()};
}

Result<std::optional<UnitSummary>> MemoryKmfStore::FindUnitSummary(Rsi rsi) {
  auto it = units_.find(rsi);
  if (it == units_.end()) return std::optional<UnitSummary>{};
  const Unit& u = it->second;
  return std::optional<UnitSummary>{
      UnitSummary{u.rsi, u.org, u.state, u.ukek.kid, u.mac_key.kid, u.last_mn, u.mnp}};
}

Result<std::vector<Rsi>> MemoryKmfStore::ListUnits(std::string_view org) {
  std::vector<Rsi> out;
  for (const auto& [rsi, u] : units_)
    if (u.org == org) out.push_back(rsi);
  return out;
}

Status MemoryKmfStore::SetUnitLastMn(Rsi rsi, uint16_t last_mn) {
  auto it = units_.find(rsi);
  if (it == units_.end()) return Fail(Error::NotFound(fmt::format("unit {}", rsi)));
  it->second.last_mn = last_mn;
  return Ok();
}

Status MemoryKmfStore::SetUnitState(Rsi rsi, UnitState state) {
  auto it = units_.find(rsi);
  if (it == units_.end()) return Fail(Error::NotFound(fmt::format("unit {}", rsi)));
  it->second.state = state;
  return Ok();
}

Status MemoryKmfStore::RenameUnit(Rsi old_rsi, Rsi new_rsi) {
  auto it = units_.find(old_rsi);
  if (it == units_.end()) return Fail(Error::NotFound(fmt::format("unit {}", old_rsi)));
  if (units_.contains(new_rsi)) return Fail(Error::Conflict(fmt::format("unit {}", new_rsi)));
  Unit u = std::move(it->second);
  units_.erase(it);
  u.rsi = new_rsi;
  units_.emplace(new_rsi, std::move(u));
  for (auto& [k, g] : groups_) std::replace(g.members.begin(), g.members.end(), old_rsi, new_rsi);
  if (auto m = membership_.find(old_rsi); m != membership_.end()) {
    membership_[new_rsi] = std::move(m->second);
    membership_.erase(old_rsi);
  }
  for (auto& [id, t] : tasks_)
    if (t.rsi == old_rsi) t.rsi = new_rsi;
  if (auto a = active_.find(old_rsi); a != active_.end()) {
    active_[new_rsi] = std::move(a->second);
    active_.erase(old_rsi);
  }
  return Ok();
}

Status MemoryKmfStore::PutGroup(const Group& group) {
  KB_CHECK(DeleteGroup(group.org, group.name));
  groups_[{group.org, group.name}] = group;
  for (Rsi r : group.members) membership_[r].insert({group.org, group.name});
  return Ok();
}

Status MemoryKmfStore::DeleteGroup(std::string_view org, std::string_view name) {
  auto it = groups_.find({std::string(org), std::string(name)});
  if (it == groups_.end()) return Ok();
  for (Rsi r : it->second.members) {
    auto m = membership_.find(r);
    if (m == membership_.end()) continue;
    m->second.erase(it->first);
    if (m->second.empty()) membership_.erase(m);
  }
  groups_.erase(it);
  return Ok();
}

Result<std::optional<Group>> MemoryKmfStore::FindGroup(std::string_view org,
                                                       std::string_view name) {
  auto it = groups_.find({std::string(org), std::string(name)});
  if (it == groups_.end()) return std::optional<Group>{};
  return std::optional<Group>{it->second};
}

Result<std::vector<Group>> MemoryKmfStore::ListGroups(std::string_view org) {
  std::vector<Group> out;
  for (const auto& [k, g] : groups_)
    if (g.org == org) out.push_back(g);
  return out;
}

Result<std::vector<Group>> MemoryKmfStore::GroupsOfUnit(Rsi rsi) {
  std::vector<Group> out;
  auto m = membership_.find(rsi);
  if (m == membership_.end()) return out;
  for (const auto& key : m->second) {
    const Group& g = groups_.at(key);
    out.push_back(Group{g.org, g.name, g.temporary, {}, g.slns});
  }
  return out;
}

Result<int64_t> MemoryKmfStore::AddCampaign(const Campaign& c) {
  Campaign copy = c;
  copy.id = next_campaign_++;
  campaigns_.emplace(copy.id, copy);
  return copy.id;
}

Result<std::optional<Campaign>> MemoryKmfStore::FindCampaign(int64_t id) {
  auto it = campaigns_.find(id);
  if (it == campaigns_.end()) return std::optional<Campaign>{};
  return std::optional<Campaign>{it->second};
}

Result<std::vector<Campaign>> MemoryKmfStore::ListCampaigns(std::string_view org) {
  std::vector<Campaign> out;
  for (const auto& [id, c] : campaigns_)
    if (c.org == org) out.push_back(c);
  return out;
}

Result<int64_t> MemoryKmfStore::AddTask(const Task& t) {
  Task copy = t;
  copy.id = next_task_++;
  if (!IsTerminal(copy.state)) active_[copy.rsi].insert(copy.id);
  tasks_.emplace(copy.id, std::move(copy));
  return next_task_ - 1;
}

Status MemoryKmfStore::UpdateTask(const Task& t) {
  auto it = tasks_.find(t.id);
  if (it == tasks_.end()) return Fail(Error::NotFound(fmt::format("task {}", t.id)));
  if (auto a = active_.find(it->second.rsi); a != active_.end()) {
    a->second.erase(t.id);
    if (a->second.empty()) active_.erase(a);
  }
  it->second = t;
  if (!IsTerminal(t.state)) active_[t.rsi].insert(t.id);
  return Ok();
}

Result<std::vector<Task>> MemoryKmfStore::ListTasks(int64_t campaign_id) {
  std::vector<Task> out;
  for (const auto& [id, t] : tasks_)
    if (t.campaign_id == campaign_id) out.push_back(t);
  return out;
}

Result<std::optional<Task>> MemoryKmfStore::HeadTask(Rsi rsi) {
  auto a = active_.find(rsi);
  if (a == active_.end() || a->second.empty()) return std::optional<Task>{};
  return std::optional<Task>{tasks_.at(*a->second.begin())};
}

Result<std::vector<Task>> MemoryKmfStore::DueHeadTasks(TimePoint now, size_t limit) {
  std::vector<int64_t> ids;
  for (const auto& [rsi, set] : active_) {
    if (set.empty()) continue;
    const Task& t = tasks_.at(*set.begin());
    if (t.next_due <= now) ids.push_back(t.id);
  }
  std::sort(ids.begin(), ids.end());
  if (ids.size() > limit) ids.resize(limit);
  std::vector<Task> out;
  out.reserve(ids.size());
  for (int64_t id : ids) out.push_back(tasks_.at(id));
  return out;
}

}  // namespace kb::kmf
