// keybridge storage adapter tests: the backends every store test runs on (docs/storage.md
// "Tests"). PostgreSQL cases need KB_TEST_POSTGRES_URL (set by `make test` through
// scripts/test-postgres) and are skipped without it.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/database.h"
#include "store/postgres_database.h"

namespace kb::store::testing {

inline const char* PostgresUrl() {
  const char* url = std::getenv("KB_TEST_POSTGRES_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

// A private place for one test's databases: a temporary directory (SQLite) or a schema of its
// own (PostgreSQL), both removed at the end.
class TestStorage {
 public:
  TestStorage(Backend backend, std::string_view tag) {
    static std::atomic<int> counter{0};
    std::string unique = fmt::format("{}_{}_{}", tag, ::getpid(), counter++);
    options_.backend = backend;
    dir_ = std::filesystem::temp_directory_path() / ("kb_store_" + unique);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_.dir = dir_;
    if (backend == Backend::kPostgresql) {
      options_.url = PostgresUrl() != nullptr ? PostgresUrl() : "";
      options_.schema = PostgresDatabase::SchemaName("t_" + unique);
    }
  }
  ~TestStorage() {
    std::filesystem::remove_all(dir_);
    if (options_.backend == Backend::kPostgresql && !options_.url.empty()) {
      auto db = PostgresDatabase::Open(options_.url, options_.schema, "cleanup", {});
      if (db) (void)(*db)->Exec(fmt::format("DROP SCHEMA {} CASCADE", options_.schema));
    }
  }
  TestStorage(const TestStorage&) = delete;
  TestStorage& operator=(const TestStorage&) = delete;

  const StorageOptions& options() const { return options_; }

 private:
  StorageOptions options_;
  std::filesystem::path dir_;
};

struct SqliteBackend {
  static constexpr Backend kBackend = Backend::kSqlite;
};
struct PostgresBackend {
  static constexpr Backend kBackend = Backend::kPostgresql;
};
using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;

// In a typed test's SetUp: skips the PostgreSQL case when no server is configured.
#define KB_SKIP_WITHOUT_BACKEND(B)                                           \
  do {                                                                       \
    if ((B) == ::kb::store::Backend::kPostgresql &&                          \
        ::kb::store::testing::PostgresUrl() == nullptr) {                    \
      GTEST_SKIP() << "KB_TEST_POSTGRES_URL is not set (make test sets it)"; \
    }                                                                        \
  } while (0)

class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kBackend == Backend::kSqlite ? "Sqlite" : "Postgres";
  }
};

}  // namespace kb::store::testing
