// TS 23.283 10.12 IWF outbox (docs/iwf.md "Durability") on store::Database (SQLite or
// PostgreSQL; the historical sqlite_ name is kept): the iwf::IwfOutbox interface.
// One row per accepted message, unique per (direction, keybridge message ID); written before
// the message is relayed, so a restarted IWF resends what was in flight.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "iwf/iwf_outbox.h"
#include "store/database.h"

namespace kb::store {

class SqliteIwfOutbox final : public iwf::IwfOutbox {
 public:
  // Opens (or creates and migrates) the database at path (":memory:" allowed).
  static Result<std::unique_ptr<SqliteIwfOutbox>> Open(const std::filesystem::path& path);
  // On the node's storage (database "iwf-outbox"), or on an open database.
  static Result<std::unique_ptr<SqliteIwfOutbox>> Open(const StorageOptions& storage);
  static Result<std::unique_ptr<SqliteIwfOutbox>> Open(std::unique_ptr<Database> db);
  static const std::vector<std::string>& Migrations();

  Result<bool> Add(iwf::OutboxEntry& e) override;
  Result<std::vector<iwf::OutboxEntry>> LoadPending() override;
  Status MarkDelivered(int64_t seq, int64_t now_ms) override;
  Status MarkFailed(int64_t seq, int64_t now_ms) override;
  Status Reschedule(int64_t seq, uint32_t attempts, int64_t next_attempt_ms) override;
  Result<size_t> Purge(int64_t before_ms) override;

 private:
  explicit SqliteIwfOutbox(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  Status Finish(int64_t seq, int64_t now_ms, iwf::OutboxState state);
  std::mutex mu_;
  std::unique_ptr<Database> db_;
  std::optional<Statement> insert_, finish_;  // the per-message statements, kept prepared
};

}  // namespace kb::store
