// RFC 3261 10.3 registrations of the TS 23.283 10.12 MC service server on store::Database
// (SQLite or PostgreSQL): the mc_server::RegistrationStore interface (docs/mc-server.md
// "Registrations across a restart"). Database "mc-registrations", one row per contact.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "mc_server/registration_store.h"
#include "store/database.h"

namespace kb::store {

class McRegistrationStore final : public mc_server::RegistrationStore {
 public:
  // On the node's storage, on an SQLite file (":memory:" allowed), or on an open database.
  static Result<std::unique_ptr<McRegistrationStore>> Open(const StorageOptions& storage);
  static Result<std::unique_ptr<McRegistrationStore>> Open(const std::filesystem::path& path);
  static Result<std::unique_ptr<McRegistrationStore>> Open(std::unique_ptr<Database> db);
  static const std::vector<std::string>& Migrations();

  Status Replace(std::string_view aor, std::span<const mc_server::StoredBinding> bindings) override;
  Result<std::vector<mc_server::StoredBinding>> Load(int64_t now) override;

 private:
  explicit McRegistrationStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<Database> db_;
};

}  // namespace kb::store
