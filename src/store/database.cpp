// keybridge storage adapter: the backend-neutral parts of store::Database (statements' bind
// errors, transactions, migrations) and the choice of backend.
#include "store/database.h"

#include <fmt/format.h>

#include "store/postgres_database.h"
#include "store/sqlite_database.h"

namespace kb::store {

std::string_view BackendName(Backend b) {
  return b == Backend::kPostgresql ? "postgresql" : "sqlite";
}

void Statement::Keep(Status st) {
  if (!st && bind_status_) bind_status_ = std::move(st);
}

Statement& Statement::Bind(int index, int64_t value) {
  Keep(impl_->Bind(index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  Keep(impl_->Bind(index, text));
  return *this;
}

Statement& Statement::BindBlob(int index, ByteView blob) {
  Keep(impl_->BindBlob(index, blob));
  return *this;
}

Statement& Statement::BindNull(int index) {
  Keep(impl_->BindNull(index));
  return *this;
}

Result<bool> Statement::Step() {
  if (!bind_status_) return Fail(bind_status_.error());
  return impl_->Step();
}

Status Statement::Run() {
  for (;;) {
    KB_TRY(bool row, Step());
    if (!row) return Ok();
  }
}

void Statement::Reset() {
  impl_->Reset();
  bind_status_ = Ok();
}

Status Database::Transaction(const std::function<Status()>& body) {
  KB_CHECK(Begin());
  Status st = body();
  if (!st) {
    (void)Rollback();
    return st;
  }
  Status commit = Commit();
  if (!commit) (void)Rollback();
  return commit;
}

Status Migrate(Database& db, std::string_view what, const std::vector<std::string>& migrations) {
  for (;;) {
    bool done = false;
    // The version is read inside the write transaction: a second process opening the same
    // database waits for the first one's migration and then finds it done.
    Status st = db.Transaction([&]() -> Status {
      int64_t version = db.UserVersion();
      if (version < 0 || static_cast<uint64_t>(version) > migrations.size()) {
        return Fail(Error::Unsupported(
            fmt::format("{}: schema version {} is newer than this keybridge ({})", what, version,
                        migrations.size())));
      }
      if (static_cast<uint64_t>(version) == migrations.size()) {
        done = true;
        return Ok();
      }
      KB_CHECK(db.Exec(migrations[static_cast<size_t>(version)]));
      return db.SetUserVersion(version + 1);
    });
    if (!st) return st;
    if (done) return Ok();
  }
}

Result<std::unique_ptr<Database>> OpenDatabase(const StorageOptions& options, std::string_view name,
                                               const std::vector<std::string>& migrations) {
  if (options.backend == Backend::kPostgresql) {
    if (options.url.empty()) return Fail(Error::InvalidArgument("storage: url is required"));
    KB_TRY(auto db,
           PostgresDatabase::Open(options.url, options.schema, std::string(name), migrations));
    return std::unique_ptr<Database>(std::move(db));
  }
  std::filesystem::path path = options.dir.empty() ? std::filesystem::path(":memory:")
                                                   : options.dir / fmt::format("{}.sqlite", name);
  KB_TRY(SqliteDatabase db, SqliteDatabase::Open(path, migrations));
  return std::unique_ptr<Database>(std::make_unique<SqliteDatabase>(std::move(db)));
}

}  // namespace kb::store
