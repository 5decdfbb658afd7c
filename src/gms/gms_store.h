// GMS storage interface (SYSTEM.md "Storage"): group documents and the GMK deliveries of their
// current key. SQLite implementation in src/store/sqlite_gms_store.h; an in-memory one for tests.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "gms/group.h"

namespace kb::gms {

class GmsStore {
 public:
  virtual ~GmsStore() = default;
  // Runs body atomically (everything or nothing is stored).
  virtual Status Transaction(const std::function<Status()>& body) = 0;
  virtual Status PutGroup(const Group& group) = 0;
  virtual Result<std::optional<Group>> FindGroup(std::string_view id) = 0;
  virtual Result<std::vector<std::string>> ListGroups() = 0;
  // Deletes the group and its deliveries (kNotFound when absent).
  virtual Status DeleteGroup(std::string_view id) = 0;
  // Replaces every delivery of the group with `deliveries`.
  virtual Status ReplaceDeliveries(std::string_view group_id,
                                   const std::vector<KeyDelivery>& deliveries) = 0;
  virtual Result<std::optional<KeyDelivery>> FindDelivery(std::string_view group_id,
                                                          std::string_view recipient) = 0;
  virtual Result<std::vector<KeyDelivery>> ListDeliveries(std::string_view group_id) = 0;
};

// In memory, for tests and single-process demos. Transaction keeps a copy to roll back to.
class MemoryGmsStore final : public GmsStore {
 public:
  Status Transaction(const std::function<Status()>& body) override;
  Status PutGroup(const Group& group) override;
  Result<std::optional<Group>> FindGroup(std::string_view id) override;
  Result<std::vector<std::string>> ListGroups() override;
  Status DeleteGroup(std::string_view id) override;
  Status ReplaceDeliveries(std::string_view group_id,
                           const std::vector<KeyDelivery>& deliveries) override;
  Result<std::optional<KeyDelivery>> FindDelivery(std::string_view group_id,
                                                  std::string_view recipient) override;
  Result<std::vector<KeyDelivery>> ListDeliveries(std::string_view group_id) override;

 private:
  std::vector<Group> groups_;
  std::vector<KeyDelivery> deliveries_;
};

}  // namespace kb::gms
