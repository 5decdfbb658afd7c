// keybridge storage adapter (docs/storage.md): the PostgreSQL backend of store::Database
// (libpqxx). A node's tables live in one schema; each database name keeps its version in
// <schema>.kb_schema_version.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"

namespace kb::store {

// One PostgreSQL connection. Not thread-safe: callers serialise.
class PostgresDatabase final : public Database {
 public:
  // Connects to url (libpq URI or key=value string), creates schema when missing, sets the
  // search path to it, and migrates the database `name`. kIo when the server cannot be reached.
  static Result<std::unique_ptr<PostgresDatabase>> Open(const std::string& url,
                                                        const std::string& schema,
                                                        const std::string& name,
                                                        const std::vector<std::string>& migrations);
  ~PostgresDatabase() override;
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  Backend backend() const override { return Backend::kPostgresql; }
  Status Exec(std::string_view sql) override;
  Result<Statement> Prepare(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  int64_t UserVersion() override;
  Status SetUserVersion(int64_t version) override;
  int64_t Changes() const override;
  int64_t LastInsertRowId() const override;

  // The schema names a node gets by default: lower case, [a-z0-9_] only ("mc-server" ->
  // "mc_server").
  static std::string SchemaName(std::string_view node);

  struct State;

 private:
  explicit PostgresDatabase(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

}  // namespace kb::store
