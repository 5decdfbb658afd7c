// keybridge storage adapter: the PostgreSQL backend (libpqxx 6): connection, prepared statements,
// transactions with the single-writer lock, statement-level savepoints, migrations.
#include "store/postgres_database.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <optional>
#include <pqxx/pqxx>
#include <unordered_map>

#include "core/encoding.h"
#include "store/postgres_dialect.h"

namespace kb::store {

// One bound parameter, always sent in text format (a BYTEA as "\x<hex>").
struct PgParam {
  bool null = true;
  std::string text;
};

}  // namespace kb::store

namespace pqxx {
template <>
struct string_traits<kb::store::PgParam> {
  static constexpr const char* name() noexcept { return "kb::store::PgParam"; }
  static constexpr bool has_null() noexcept { return true; }
  static bool is_null(const kb::store::PgParam& p) { return p.null; }
  static kb::store::PgParam null() { return {}; }
  static void from_string(const char str[], kb::store::PgParam& p) { p = {false, str}; }
  static std::string to_string(const kb::store::PgParam& p) { return p.text; }
};
}  // namespace pqxx

namespace kb::store {

struct PostgresDatabase::State {
  explicit State(const std::string& url) : conn(url) {}
  pqxx::connection conn;
  std::string schema;
  std::string name;
  int64_t lock_key = 0;
  bool in_transaction = false;
  int transaction_backend = 0;  // the server process the open transaction lives in
  int64_t changes = 0;
  struct Prepared {
    std::string id;
    int parameters = 0;
  };
  std::unordered_map<std::string, Prepared> prepared;
  std::unordered_map<std::string, std::vector<std::string>> primary_keys;
  int next_id = 0;

  // A statement outside any guard.
  pqxx::result Raw(const std::string& sql) {
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec(sql);
    tx.commit();
    return r;
  }

  // Runs f; inside an explicit transaction, within a savepoint so that a failed statement
  // leaves the transaction usable (as in SQLite).
  template <typename F>
  Result<pqxx::result> Guarded(F&& f) {
    // libpqxx reconnects a broken connection silently; a transaction does not survive that.
    if (in_transaction && conn.backendpid() != transaction_backend)
      return Fail(Error::Io("PostgreSQL: connection lost during a transaction"));
    try {
      if (in_transaction) Raw("SAVEPOINT kb_statement");
      pqxx::result r = f();
      if (in_transaction) Raw("RELEASE SAVEPOINT kb_statement");
      return r;
    } catch (const std::exception& e) {
      if (in_transaction) {
        try {
          Raw("ROLLBACK TO SAVEPOINT kb_statement");
          Raw("RELEASE SAVEPOINT kb_statement");
        } catch (const std::exception&) {
        }
      }
      return Fail(ToError(e));
    }
  }

  Result<pqxx::result> Execute(const std::string& sql) {
    return Guarded([&] {
      pqxx::nontransaction tx(conn);
      pqxx::result r = tx.exec(sql);
      tx.commit();
      if (r.columns() == 0) changes = static_cast<int64_t>(r.affected_rows());
      return r;
    });
  }

  Result<pqxx::result> ExecutePrepared(const std::string& id, const std::vector<PgParam>& params) {
    return Guarded([&] {
      pqxx::nontransaction tx(conn);
      pqxx::result r = tx.exec_prepared(id, pqxx::prepare::make_dynamic_params(params));
      tx.commit();
      if (r.columns() == 0) changes = static_cast<int64_t>(r.affected_rows());
      return r;
    });
  }

  std::vector<std::string> PrimaryKey(std::string_view table) {
    std::string key(table);
    if (auto it = primary_keys.find(key); it != primary_keys.end()) return it->second;
    std::vector<std::string> cols;
    auto r = Guarded([&] {
      pqxx::nontransaction tx(conn);
      pqxx::result res = tx.exec_params(
          "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND "
          "a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass($1) AND i.indisprimary "
          "ORDER BY array_position(i.indkey, a.attnum)",
          key);
      tx.commit();
      return res;
    });
    if (r) {
      for (const auto& row : *r) cols.emplace_back(row[0].c_str());
    }
    if (!cols.empty()) primary_keys[key] = cols;
    return cols;
  }

  static Error ToError(const std::exception& e) {
    std::string what = e.what();
    // The first line only: DETAIL lines may quote row values.
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    std::string msg = "PostgreSQL: " + what;
    if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
      const std::string& state = sql->sqlstate();
      if (state.starts_with("23") || state == "40001" || state == "40P01")
        return Error::Conflict(std::move(msg));
    }
    return Error::Io(std::move(msg));
  }
};

namespace {

using State = PostgresDatabase::State;

class PgStatementImpl final : public StatementImpl {
 public:
  PgStatementImpl(State* s, std::string id, int parameters)
      : s_(s), id_(std::move(id)), params_(static_cast<size_t>(parameters)) {}

  Status Bind(int index, int64_t value) override {
    return Set(index, {false, fmt::format("{}", value)});
  }
  Status Bind(int index, std::string_view text) override {
    if (text.find('\0') != std::string_view::npos)
      return Fail(Error::InvalidArgument("PostgreSQL: text parameter contains NUL"));
    return Set(index, {false, std::string(text)});
  }
  Status BindBlob(int index, ByteView blob) override {
    return Set(index, {false, "\\x" + ToHex(blob)});
  }
  Status BindNull(int index) override { return Set(index, {}); }

  Result<bool> Step() override {
    if (!executed_) {
      KB_TRY(result_, s_->ExecutePrepared(id_, params_));
      executed_ = true;
      row_ = -1;
    }
    if (row_ < static_cast<int64_t>(result_.size())) ++row_;
    return row_ < static_cast<int64_t>(result_.size());
  }
  void Reset() override {
    executed_ = false;
    result_ = pqxx::result();
    row_ = -1;
    for (auto& p : params_) p = {};
  }
  int64_t ColumnInt(int index) const override {
    auto f = Field(index);
    if (!f || f->is_null()) return 0;
    const char* p = f->c_str();
    size_t n = std::strlen(p);
    if (n == 1 && (p[0] == 't' || p[0] == 'f')) return p[0] == 't' ? 1 : 0;
    int64_t v = 0;
    std::from_chars(p, p + n, v);
    return v;
  }
  std::string ColumnText(int index) const override {
    auto f = Field(index);
    if (!f || f->is_null()) return {};
    return std::string(f->c_str(), f->size());
  }
  Bytes ColumnBlob(int index) const override {
    auto f = Field(index);
    if (!f || f->is_null()) return {};
    std::string_view text(f->c_str(), f->size());
    if (text.starts_with("\\x")) {
      auto bytes = FromHex(text.substr(2));
      if (bytes) return std::move(*bytes);
    }
    return Bytes(text.begin(), text.end());
  }
  bool ColumnIsNull(int index) const override {
    auto f = Field(index);
    return !f || f->is_null();
  }

 private:
  Status Set(int index, PgParam p) {
    if (index < 1 || static_cast<size_t>(index) > params_.size())
      return Fail(
          Error::InvalidArgument(fmt::format("PostgreSQL: bind index {} out of range", index)));
    params_[static_cast<size_t>(index - 1)] = std::move(p);
    return Ok();
  }
  std::optional<pqxx::field> Field(int index) const {
    if (row_ < 0 || row_ >= static_cast<int64_t>(result_.size()) || index < 0 ||
        static_cast<size_t>(index) >= static_cast<size_t>(result_.columns())) {
      return std::nullopt;
    }
    return result_[static_cast<pqxx::result::size_type>(row_)][index];
  }

  State* s_;
  std::string id_;
  std::vector<PgParam> params_;
  pqxx::result result_;
  bool executed_ = false;
  int64_t row_ = -1;
};

int64_t LockKey(std::string_view text) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64
  for (char c : text) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return static_cast<int64_t>(h);
}

}  // namespace

PostgresDatabase::PostgresDatabase(std::unique_ptr<State> s) : s_(std::move(s)) {}
PostgresDatabase::~PostgresDatabase() {
  if (s_ && s_->in_transaction) (void)Rollback();
}

std::string PostgresDatabase::SchemaName(std::string_view node) {
  std::string out;
  for (char c : node) {
    unsigned char u = static_cast<unsigned char>(c);
    out += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "kb_" + out;
  return out;
}

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(
    const std::string& url, const std::string& schema, const std::string& name,
    const std::vector<std::string>& migrations) {
  if (schema.empty()) return Fail(Error::InvalidArgument("PostgreSQL: schema name is empty"));
  std::unique_ptr<State> s;
  try {
    s = std::make_unique<State>(url);
  } catch (const std::exception& e) {
    return Fail(Error::Io(
        fmt::format("PostgreSQL: cannot connect for {}: {}", name, State::ToError(e).message())));
  }
  s->schema = schema;
  s->name = name;
  s->lock_key = LockKey(fmt::format("keybridge|{}|{}", schema, name));
  try {
    std::string q = s->conn.quote_name(schema);
    // Session settings through set_variable: libpqxx restores them if it reconnects.
    s->conn.set_variable("client_min_messages", "warning");
    s->conn.set_variable("bytea_output", "'hex'");
    // Two nodes starting at once may both create the schema: serialise on a fixed lock.
    s->Raw("BEGIN");
    s->Raw(fmt::format("SELECT pg_advisory_xact_lock({})", LockKey("keybridge|create-schema")));
    s->Raw(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", q));
    s->Raw(
        fmt::format("CREATE TABLE IF NOT EXISTS {}.kb_schema_version (name TEXT PRIMARY KEY, "
                    "version BIGINT NOT NULL)",
                    q));
    s->Raw("COMMIT");
    s->conn.set_variable("search_path", q);
  } catch (const std::exception& e) {
    return Fail(State::ToError(e));
  }
  std::unique_ptr<PostgresDatabase> db(new PostgresDatabase(std::move(s)));
  KB_CHECK(Migrate(*db, fmt::format("{}.{}", schema, name), migrations));
  return db;
}

Status PostgresDatabase::Exec(std::string_view sql) {
  auto statements = ToPostgres(sql, [this](std::string_view t) { return s_->PrimaryKey(t); });
  for (const auto& st : statements) {
    switch (st.kind) {
      case PgStatementText::Kind::kBegin:
        KB_CHECK(Begin());
        break;
      case PgStatementText::Kind::kCommit:
        KB_CHECK(Commit());
        break;
      case PgStatementText::Kind::kRollback:
        KB_CHECK(Rollback());
        break;
      case PgStatementText::Kind::kPragma:
        break;  // SQLite settings: nothing to do on PostgreSQL
      case PgStatementText::Kind::kOther: {
        KB_TRY(auto r, s_->Execute(st.sql));
        (void)r;
        break;
      }
    }
  }
  return Ok();
}

Result<Statement> PostgresDatabase::Prepare(std::string_view sql) {
  std::string key(sql);
  auto it = s_->prepared.find(key);
  if (it == s_->prepared.end()) {
    auto statements = ToPostgres(sql, [this](std::string_view t) { return s_->PrimaryKey(t); });
    if (statements.size() != 1 || statements[0].kind != PgStatementText::Kind::kOther)
      return Fail(Error::InvalidArgument("PostgreSQL: Prepare takes exactly one statement"));
    State::Prepared p{fmt::format("kb_{}", s_->next_id++), statements[0].parameters};
    auto r = s_->Guarded([&] {
      s_->conn.prepare(p.id, statements[0].sql);
      try {
        s_->conn.prepare_now(p.id);
      } catch (...) {
        try {
          s_->conn.unprepare(p.id);
        } catch (...) {
        }
        throw;
      }
      return pqxx::result();
    });
    if (!r) return Fail(r.error().Within("prepare"));
    it = s_->prepared.emplace(key, p).first;
  }
  return Statement(
      std::make_unique<PgStatementImpl>(s_.get(), it->second.id, it->second.parameters));
}

Status PostgresDatabase::Begin() {
  if (s_->in_transaction)
    return Fail(Error::Io("PostgreSQL: cannot start a transaction within a transaction"));
  try {
    s_->Raw("BEGIN");
    s_->in_transaction = true;
    s_->transaction_backend = s_->conn.backendpid();
    s_->Raw(fmt::format("SELECT pg_advisory_xact_lock({})", s_->lock_key));
  } catch (const std::exception& e) {
    Error err = State::ToError(e);
    (void)Rollback();
    return Fail(std::move(err));
  }
  return Ok();
}

Status PostgresDatabase::Commit() {
  if (!s_->in_transaction) return Fail(Error::Io("PostgreSQL: no transaction is active"));
  s_->in_transaction = false;
  if (s_->conn.backendpid() != s_->transaction_backend)
    return Fail(Error::Io("PostgreSQL: connection lost during a transaction"));
  try {
    s_->Raw("COMMIT");
  } catch (const std::exception& e) {
    return Fail(State::ToError(e));
  }
  return Ok();
}

Status PostgresDatabase::Rollback() {
  if (!s_->in_transaction) return Fail(Error::Io("PostgreSQL: no transaction is active"));
  s_->in_transaction = false;
  try {
    s_->Raw("ROLLBACK");
  } catch (const std::exception& e) {
    return Fail(State::ToError(e));
  }
  return Ok();
}

int64_t PostgresDatabase::UserVersion() {
  auto r = s_->Guarded([&] {
    pqxx::nontransaction tx(s_->conn);
    pqxx::result res =
        tx.exec_params("SELECT version FROM kb_schema_version WHERE name = $1", s_->name);
    tx.commit();
    return res;
  });
  if (!r) return -1;
  if (r->empty()) return 0;
  return (*r)[0][0].as<int64_t>();
}

Status PostgresDatabase::SetUserVersion(int64_t version) {
  auto r = s_->Guarded([&] {
    pqxx::nontransaction tx(s_->conn);
    pqxx::result res = tx.exec_params(
        "INSERT INTO kb_schema_version (name, version) VALUES ($1, $2) ON CONFLICT (name) DO "
        "UPDATE SET version = EXCLUDED.version",
        s_->name, version);
    tx.commit();
    return res;
  });
  if (!r) return Fail(r.error());
  return Ok();
}

int64_t PostgresDatabase::Changes() const { return s_->changes; }

int64_t PostgresDatabase::LastInsertRowId() const {
  auto r = s_->Execute("SELECT lastval()");
  if (!r || r->empty()) return 0;
  return (*r)[0][0].as<int64_t>();
}

}  // namespace kb::store
