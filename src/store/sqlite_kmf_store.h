// TIA-102.AACA KMF key database on store::Database (SQLite file or PostgreSQL schema; the name
// keeps its historical sqlite_ prefix): the KmfStore interface, encrypted at rest.
//
// Versioned schema (store::Migrate). Every secret key column holds
// version(1) || nonce(12) || AES-256-GCM(storage key, nonce, aad, key) || tag(16), where the
// AAD names the row ("tek|org|keyset|sln", "unit|rsi|ukek", ...) so a sealed key cannot be moved
// to another row. Opening checks the storage key against a sealed check value first.
// Not thread-safe; one connection per store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/secret.h"
#include "kmf/kmf_store.h"
#include "store/database.h"
#include "store/sqlite_database.h"

namespace kb::store {

class SqliteKmfStore final : public kmf::KmfStore {
 public:
  // Opens (creating if needed) the database at path, migrating the schema to the current
  // version. storage_key: 32 octets; kCryptoFailure if it does not match the one the file was
  // created with.
  static Result<std::unique_ptr<SqliteKmfStore>> Open(const std::string& path,
                                                      SecretBytes storage_key);
  // The same on the node's storage (database "kmf"), or on an open database.
  static Result<std::unique_ptr<SqliteKmfStore>> Open(const StorageOptions& storage,
                                                      SecretBytes storage_key);
  static Result<std::unique_ptr<SqliteKmfStore>> Open(std::unique_ptr<Database> db,
                                                      SecretBytes storage_key);
  static const std::vector<std::string>& Migrations();
  ~SqliteKmfStore() override;
  SqliteKmfStore(const SqliteKmfStore&) = delete;
  SqliteKmfStore& operator=(const SqliteKmfStore&) = delete;

  static constexpr int kSchemaVersion = 1;

  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;

  Status AddOrganisation(const kmf::Organisation& org) override;
  Result<std::optional<kmf::Organisation>> FindOrganisation(std::string_view id) override;
  Result<std::vector<kmf::Organisation>> ListOrganisations() override;

  Status PutKeyset(const kmf::Keyset& ks) override;
  Result<std::vector<kmf::Keyset>> ListKeysets(std::string_view org) override;

  Status PutTek(const kmf::Tek& tek) override;
  Status DeleteTek(std::string_view org, uint8_t keyset_id, uint16_t sln) override;
  Result<std::vector<kmf::Tek>> ListTeks(std::string_view org) override;

  Status PutUnit(const kmf::Unit& unit) override;
  Result<std::optional<kmf::Unit>> FindUnit(kmf::Rsi rsi) override;
  Result<std::optional<kmf::UnitSummary>> FindUnitSummary(kmf::Rsi rsi) override;
  Result<std::vector<kmf::Rsi>> ListUnits(std::string_view org) override;
  Status SetUnitLastMn(kmf::Rsi rsi, uint16_t last_mn) override;
  Status SetUnitState(kmf::Rsi rsi, kmf::UnitState state) override;
  Status RenameUnit(kmf::Rsi old_rsi, kmf::Rsi new_rsi) override;

  Status PutGroup(const kmf::Group& group) override;
  Status DeleteGroup(std::string_view org, std::string_view name) override;
  Result<std::optional<kmf::Group>> FindGroup(std::string_view org, std::string_view name) override;
  Result<std::vector<kmf::Group>> ListGroups(std::string_view org) override;
  Result<std::vector<kmf::Group>> GroupsOfUnit(kmf::Rsi rsi) override;

  Result<int64_t> AddCampaign(const kmf::Campaign& c) override;
  Result<std::optional<kmf::Campaign>> FindCampaign(int64_t id) override;
  Result<std::vector<kmf::Campaign>> ListCampaigns(std::string_view org) override;
  Result<int64_t> AddTask(const kmf::Task& t) override;
  Status UpdateTask(const kmf::Task& t) override;
  Result<std::vector<kmf::Task>> ListTasks(int64_t campaign_id) override;
  Result<std::optional<kmf::Task>> HeadTask(kmf::Rsi rsi) override;
  Result<std::vector<kmf::Task>> DueHeadTasks(kmf::TimePoint now, size_t limit) override;

 private:
  class Stmt;
  SqliteKmfStore(std::unique_ptr<Database> db, SecretBytes key)
      : db_(std::move(db)), key_(std::move(key)) {}
  Status Exec(const char* sql);
  Result<Stmt> Prepare(const char* sql);
  Status CheckStorageKey();
  Result<Bytes> Seal(std::string_view aad, ByteView plaintext) const;
  Result<SecretBytes> Unseal(std::string_view aad, ByteView sealed) const;
  Result<kmf::Group> LoadGroup(std::string org, std::string name, bool temporary, ByteView slns);
  Status PutUnitRow(const kmf::Unit& unit);

  std::unique_ptr<Database> db_;
  SecretBytes key_;
};

}  // namespace kb::store
