// TS 23.283 clause 10.12 relay, durable store-and-forward (docs/mc-server.md): the
// mc_server::MessageStore interface on store::Database: SQLite (WAL, synchronous=NORMAL: a
// committed message survives a crash of the process; see the doc for power loss) or PostgreSQL.
// The historical sqlite_ name is kept (docs/storage.md).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "mc_server/message_store.h"
#include "store/database.h"

namespace kb::store {

class SqliteMessageStore final : public mc_server::MessageStore {
 public:
  // Opens (or creates and migrates) the database at path (":memory:" allowed).
  static Result<std::unique_ptr<SqliteMessageStore>> Open(const std::filesystem::path& path);
  // On the node's storage (database "mc-messages"), or on an open database.
  static Result<std::unique_ptr<SqliteMessageStore>> Open(const StorageOptions& storage);
  static Result<std::unique_ptr<SqliteMessageStore>> Open(std::unique_ptr<Database> db);
  static const std::vector<std::string>& Migrations();

  Result<std::vector<bool>> Append(std::span<mc_server::StoredMessage> messages) override;
  Result<std::vector<mc_server::StoredMessage>> Pending(std::string_view target,
                                                        size_t limit) override;
  Result<std::vector<std::string>> PendingTargets() override;
  Result<size_t> PendingCount() override;
  Status MarkDelivered(std::span<const int64_t> seqs) override;
  Status Prune(size_t keep) override;

 private:
  explicit SqliteMessageStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  std::unique_ptr<Database> db_;
  int64_t next_seq_ = 1;
  std::optional<Statement> insert_;  // kept prepared: they run for every message
  std::optional<Statement> mark_;
};

}  // namespace kb::store
