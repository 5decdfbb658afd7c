// TIA-102.AACA KMF key database held in memory (tests, benchmarks, ephemeral KMFs).
//
// Transactions are accepted but not isolated: Rollback does not undo writes. Use the SQLite
// store (store/sqlite_kmf_store.h) where durability or atomicity matters.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "kmf/kmf_store.h"

namespace kb::kmf {

class MemoryKmfStore final : public KmfStore {
 public:
  Status Begin() override { return Ok(); }
  Status Commit() override { return Ok(); }
  Status Rollback() override { return Ok(); }

  Status AddOrganisation(const Organisation& org) override;
  Result<std::optional<Organisation>> FindOrganisation(std::string_view id) override;
  Result<std::vector<Organisation>> ListOrganisations() override;

  Status PutKeyset(const Keyset& ks) override;
  Result<std::vector<Keyset>> ListKeysets(std::string_view org) override;

  Status PutTek(const Tek& tek) override;
  Status DeleteTek(std::string_view org, uint8_t keyset_id, uint16_t sln) override;
  Result<std::vector<Tek>> ListTeks(std::string_view org) override;

  Status PutUnit(const Unit& unit) override;
  Result<std::optional<Unit>> FindUnit(Rsi rsi) override;
  Result<std::optional<UnitSummary>> FindUnitSummary(Rsi rsi) override;
  Result<std::vector<Rsi>> ListUnits(std::string_view org) override;
  Status SetUnitLastMn(Rsi rsi, uint16_t last_mn) override;
  Status SetUnitState(Rsi rsi, UnitState state) override;
  Status RenameUnit(Rsi old_rsi, Rsi new_rsi) override;

  Status PutGroup(const Group& group) override;
  Status DeleteGroup(std::string_view org, std::string_view name) override;
  Result<std::optional<Group>> FindGroup(std::string_view org, std::string_view name) override;
  Result<std::vector<Group>> ListGroups(std::string_view org) override;
  Result<std::vector<Group>> GroupsOfUnit(Rsi rsi) override;

  Result<int64_t> AddCampaign(const Campaign& c) override;
  Result<std::optional<Campaign>> FindCampaign(int64_t id) override;
  Result<std::vector<Campaign>> ListCampaigns(std::string_view org) override;
  Result<int64_t> AddTask(const Task& t) override;
  Status UpdateTask(const Task& t) override;
  Result<std::vector<Task>> ListTasks(int64_t campaign_id) override;
  Result<std::optional<Task>> HeadTask(Rsi rsi) override;
  Result<std::vector<Task>> DueHeadTasks(TimePoint now, size_t limit) override;

 private:
  std::map<std::string, Organisation, std::less<>> orgs_;
  std::map<std::tuple<std::string, uint8_t>, Keyset> keysets_;
  std::map<std::tuple<std::string, uint8_t, uint16_t>, Tek> teks_;
  std::map<Rsi, Unit> units_;
  std::map<std::tuple<std::string, std::string>, Group> groups_;
  std::map<Rsi, std::set<std::tuple<std::string, std::string>>> membership_;
  std::map<int64_t, Campaign> campaigns_;
  std::map<int64_t, Task> tasks_;
  std::map<Rsi, std::set<int64_t>> active_;  // non-terminal task ids per unit
  int64_t next_campaign_ = 1;
  int64_t next_task_ = 1;
};

}  // namespace kb::kmf
