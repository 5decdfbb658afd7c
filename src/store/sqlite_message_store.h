// TS 23.283 clause 10.12 relay, durable store-and-forward (docs/mc-server.md): the
// mc_server::MessageStore interface on SQLite (WAL, synchronous=NORMAL: a committed message
// survives a crash of the process; see the doc for power loss).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "mc_server/message_store.h"
#include "store/sqlite_database.h"

namespace kb::store {

class SqliteMessageStore final : public mc_server::MessageStore {
 public:
  // Opens (or creates and migrates) the database at path (":memory:" allowed).
  static Result<std::unique_ptr<SqliteMessageStore>> Open(const std::filesystem::path& path);

  Result<std::vector<bool>> Append(std::span<mc_server::StoredMessage> messages) override;
  Result<std::vector<mc_server::StoredMessage>> Pending(std::string_view target,
                                                        size_t limit) override;
  Result<std::vector<std::string>> PendingTargets() override;
  Result<size_t> PendingCount() override;
  Status MarkDelivered(std::span<const int64_t> seqs) override;
  Status Prune(size_t keep) override;

 private:
  explicit SqliteMessageStore(SqliteDatabase db) : db_(std::move(db)) {}
  SqliteDatabase db_;
  int64_t next_seq_ = 1;
  std::optional<SqliteStatement> insert_;
  std::optional<SqliteStatement> mark_;
};

}  // namespace kb::store
