// TIA-102.AACA KMF key database: the storage interface the KMF engine reads and writes.
//
// Implementations: MemoryKmfStore (kmf/memory_kmf_store.h, tests and benchmarks) and
// store::SqliteKmfStore (store/sqlite_kmf_store.h, encrypted at rest). The store enforces
// nothing about organisations beyond what each method says; the engine does (kmf_engine.h).
// Not thread-safe: one engine owns one store.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "kmf/campaign.h"
#include "kmf/kmf_types.h"

namespace kb::kmf {

class KmfStore {
 public:
  virtual ~KmfStore() = default;

  // A transaction: writes between Begin and Commit land together or not at all.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Organisations. Add fails with kConflict if the id exists.
  virtual Status AddOrganisation(const Organisation& org) = 0;
  virtual Result<std::optional<Organisation>> FindOrganisation(std::string_view id) = 0;
  virtual Result<std::vector<Organisation>> ListOrganisations() = 0;

  // Keysets, keyed by (org, keyset_id); Put inserts or replaces.
  virtual Status PutKeyset(const Keyset& ks) = 0;
  virtual Result<std::vector<Keyset>> ListKeysets(std::string_view org) = 0;

  // TEKs, keyed by (org, keyset_id, sln); Put inserts or replaces.
  virtual Status PutTek(const Tek& tek) = 0;
  virtual Status DeleteTek(std::string_view org, uint8_t keyset_id, uint16_t sln) = 0;
  virtual Result<std::vector<Tek>> ListTeks(std::string_view org) = 0;

  // Units, keyed by RSI (unique in the KMF). Put inserts or replaces; it fails with kConflict
  // if the RSI belongs to another organisation.
  virtual Status PutUnit(const Unit& unit) = 0;
  virtual Result<std::optional<Unit>> FindUnit(Rsi rsi) = 0;
  // The unit without its keys (nothing is unsealed).
  virtual Result<std::optional<UnitSummary>> FindUnitSummary(Rsi rsi) = 0;
  virtual Result<std::vector<Rsi>> ListUnits(std::string_view org) = 0;
  virtual Status SetUnitLastMn(Rsi rsi, uint16_t last_mn) = 0;
  virtual Status SetUnitState(Rsi rsi, UnitState state) = 0;
  // Moves a unit, its group memberships and its tasks to a new RSI (Change-RSI).
  virtual Status RenameUnit(Rsi old_rsi, Rsi new_rsi) = 0;

  // Groups, keyed by (org, name); Put inserts or replaces (members and SLNs included).
  virtual Status PutGroup(const Group& group) = 0;
  virtual Status DeleteGroup(std::string_view org, std::string_view name) = 0;
  virtual Result<std::optional<Group>> FindGroup(std::string_view org, std::string_view name) = 0;
  virtual Result<std::vector<Group>> ListGroups(std::string_view org) = 0;
  // The groups that list the unit as a member, with `members` left empty (groups can be large).
  virtual Result<std::vector<Group>> GroupsOfUnit(Rsi rsi) = 0;

  // Campaigns and tasks. Add assigns increasing ids.
  virtual Result<int64_t> AddCampaign(const Campaign& c) = 0;
  virtual Result<std::optional<Campaign>> FindCampaign(int64_t id) = 0;
  virtual Result<std::vector<Campaign>> ListCampaigns(std::string_view org) = 0;
  virtual Result<int64_t> AddTask(const Task& t) = 0;
  virtual Status UpdateTask(const Task& t) = 0;
  virtual Result<std::vector<Task>> ListTasks(int64_t campaign_id) = 0;
  // The unit's non-terminal task with the lowest id (the one in flight or next to send).
  virtual Result<std::optional<Task>> HeadTask(Rsi rsi) = 0;
  // For every unit, its head task if that task's next_due <= now; at most limit, by id.
  virtual Result<std::vector<Task>> DueHeadTasks(TimePoint now, size_t limit) = 0;
};

}  // namespace kb::kmf
