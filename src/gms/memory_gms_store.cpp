// GMS storage interface: the in-memory implementation.
#include <algorithm>

#include "gms/gms_store.h"

namespace kb::gms {

Status MemoryGmsStore::Transaction(const std::function<Status()>& body) {
  auto groups = groups_;
  auto deliveries = deliveries_;
  Status s = body();
  if (!s) {
    groups_ = std::move(groups);
    deliveries_ = std::move(deliveries);
  }
  return s;
}

Status MemoryGmsStore::PutGroup(const Group& group) {
  for (auto& g : groups_) {
    if (g.id == group.id) {
      g = group;
      return Ok();
    }
  }
  groups_.push_back(group);
  return Ok();
}

Result<std::optional<Group>> MemoryGmsStore::FindGroup(std::string_view id) {
  for (const auto& g : groups_) {
    if (g.id == id) return std::optional<Group>(g);
  }
  return std::optional<Group>();
}

Result<std::vector<std::string>> MemoryGmsStore::ListGroups() {
  std::vector<std::string> ids;
  for (const auto& g : groups_) ids.push_back(g.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Status MemoryGmsStore::DeleteGroup(std::string_view id) {
  auto it =
      std::find_if(groups_.begin(), groups_.end(), [&](const Group& g) { return g.id == id; });
  if (it == groups_.end()) return Fail(Error::NotFound("GMS: no group " + std::string(id)));
  groups_.erase(it);
  std::erase_if(deliveries_, [&](const KeyDelivery& d) { return d.group_id == id; });
  return Ok();
}

Status MemoryGmsStore::ReplaceDeliveries(std::string_view group_id,
                                         const std::vector<KeyDelivery>& deliveries) {
  std::erase_if(deliveries_, [&](const KeyDelivery& d) { return d.group_id == group_id; });
  deliveries_.insert(deliveries_.end(), deliveries.begin(), deliveries.end());
  return Ok();
}

Result<std::optional<KeyDelivery>> MemoryGmsStore::FindDelivery(std::string_view group_id,
                                                                std::string_view recipient) {
  for (const auto& d : deliveries_) {
    if (d.group_id == group_id && d.recipient == recipient) return std::optional<KeyDelivery>(d);
  }
  return std::optional<KeyDelivery>();
}

Result<std::vector<KeyDelivery>> MemoryGmsStore::ListDeliveries(std::string_view group_id) {
  std::vector<KeyDelivery> out;
  for (const auto& d : deliveries_) {
    if (d.group_id == group_id) out.push_back(d);
  }
  return out;
}

}  // namespace kb::gms
