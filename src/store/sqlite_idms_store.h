// keybridge IdMS accounts (docs/idms.md) on SQLite: the idms::IdmsStore interface.
#pragma once

#include <filesystem>
#include <mutex>

#include "idms/idms_store.h"
#include "store/sqlite_database.h"

namespace kb::store {

class SqliteIdmsStore final : public idms::IdmsStore {
 public:
  // Opens (or creates and migrates) the database at path (":memory:" allowed).
  static Result<std::unique_ptr<SqliteIdmsStore>> Open(const std::filesystem::path& path);

  Result<std::optional<idms::Account>> Find(std::string_view subject) override;
  Status Put(const idms::Account& account) override;
  Result<std::vector<std::string>> Subjects() override;

 private:
  explicit SqliteIdmsStore(SqliteDatabase db) : db_(std::move(db)) {}
  std::mutex mu_;
  SqliteDatabase db_;
};

}  // namespace kb::store
