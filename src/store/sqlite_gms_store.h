// GMS storage on store::Database, SQLite or PostgreSQL (SYSTEM.md "Storage"; the historical
// sqlite_ name is kept): group documents, members and the GMK deliveries (I_MESSAGEs, which are
// encrypted to their recipients; no GMK is stored). Portable SQL only. Not thread-safe; one
// connection per store.
#pragma once

#include <memory>
#include <string>

#include "gms/gms_store.h"
#include "store/database.h"

namespace kb::store {

class SqliteGmsStore final : public gms::GmsStore {
 public:
  // Opens (creating if needed) the database at path (":memory:" for a private one).
  static Result<std::unique_ptr<SqliteGmsStore>> Open(const std::string& path);
  // On the node's storage (database "gms"), or on an open database.
  static Result<std::unique_ptr<SqliteGmsStore>> Open(const StorageOptions& storage);
  static Result<std::unique_ptr<SqliteGmsStore>> Open(std::unique_ptr<Database> db);
  static const std::vector<std::string>& Migrations();

  Status Transaction(const std::function<Status()>& body) override;
  Status PutGroup(const gms::Group& group) override;
  Result<std::optional<gms::Group>> FindGroup(std::string_view id) override;
  Result<std::vector<std::string>> ListGroups() override;
  Status DeleteGroup(std::string_view id) override;
  Status ReplaceDeliveries(std::string_view group_id,
                           const std::vector<gms::KeyDelivery>& deliveries) override;
  Result<std::optional<gms::KeyDelivery>> FindDelivery(std::string_view group_id,
                                                       std::string_view recipient) override;
  Result<std::vector<gms::KeyDelivery>> ListDeliveries(std::string_view group_id) override;

 private:
  explicit SqliteGmsStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  std::unique_ptr<Database> db_;
  bool in_transaction_ = false;
};

}  // namespace kb::store
