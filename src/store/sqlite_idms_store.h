// keybridge IdMS accounts (docs/idms.md) on store::Database (SQLite or PostgreSQL): the
// idms::IdmsStore interface.
#pragma once

#include <filesystem>
#include <mutex>

#include "idms/idms_store.h"
#include "store/database.h"

namespace kb::store {

class SqliteIdmsStore final : public idms::IdmsStore {
 public:
  // Opens (or creates and migrates) the database at path (":memory:" allowed).
  static Result<std::unique_ptr<SqliteIdmsStore>> Open(const std::filesystem::path& path);
  // On the node's storage (database "idms"), or on an open database.
  static Result<std::unique_ptr<SqliteIdmsStore>> Open(const StorageOptions& storage);
  static Result<std::unique_ptr<SqliteIdmsStore>> Open(std::unique_ptr<Database> db);
  static const std::vector<std::string>& Migrations();

  Result<std::optional<idms::Account>> Find(std::string_view subject) override;
  Status Put(const idms::Account& account) override;
  Result<std::vector<std::string>> Subjects() override;

 private:
  explicit SqliteIdmsStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<Database> db_;
};

}  // namespace kb::store
