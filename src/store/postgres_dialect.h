// keybridge storage adapter (docs/storage.md "Dialect"): the one place where the SQLite-style
// SQL the stores write is mapped to PostgreSQL.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kb::store {

// One statement mapped to PostgreSQL.
struct PgStatementText {
  std::string sql;     // PostgreSQL text, placeholders $1..$n
  int parameters = 0;  // the highest placeholder index used
  enum class Kind { kOther, kBegin, kCommit, kRollback, kPragma } kind = Kind::kOther;
};

// Columns of table's primary key (for INSERT OR REPLACE); empty when unknown.
using PrimaryKeyLookup = std::function<std::vector<std::string>(std::string_view table)>;

// Splits sql into statements (on `;` outside quotes and comments) and maps each:
//  ?  / ?N                               -> $n / $N (a bare ? takes the highest index so far + 1)
//  INTEGER PRIMARY KEY AUTOINCREMENT     -> BIGSERIAL PRIMARY KEY
//  INTEGER -> BIGINT, BLOB -> BYTEA, IFNULL( -> COALESCE(
//  INSERT OR IGNORE INTO ...             -> INSERT INTO ... ON CONFLICT DO NOTHING
//  INSERT OR REPLACE INTO t (cols) ...   -> INSERT INTO t (cols) ... ON CONFLICT (pk) DO UPDATE
//                                           SET c = EXCLUDED.c for every other listed column
//  BEGIN [IMMEDIATE|DEFERRED|EXCLUSIVE] [TRANSACTION], COMMIT, END, ROLLBACK -> kind set
//  PRAGMA ...                            -> kind kPragma (the caller skips it)
// Quoted strings, quoted identifiers and comments are copied unchanged.
std::vector<PgStatementText> ToPostgres(std::string_view sql, const PrimaryKeyLookup& primary_key);

}  // namespace kb::store
