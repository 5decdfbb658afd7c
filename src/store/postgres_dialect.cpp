// keybridge storage adapter: SQLite-style SQL mapped to PostgreSQL (docs/storage.md "Dialect").
// g++ 12 at -O1 with the sanitizers reports a false -Wmaybe-uninitialized inside libstdc++'s
// std::regex (std::function in _State); the whole file is compiled without that warning.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "store/postgres_dialect.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace kb::store {
namespace {

// A statement with every quoted string, quoted identifier and comment replaced by a marker
// "\x01<n>\x01", so that the mappings below only ever see SQL code.
struct Masked {
  std::string code;
  std::vector<std::string> quoted;
};

std::vector<Masked> SplitStatements(std::string_view sql) {
  std::vector<Masked> out(1);
  size_t i = 0;
  auto mask = [&](size_t begin, size_t end) {
    Masked& m = out.back();
    m.code += fmt::format("\x01{}\x01", m.quoted.size());
    m.quoted.emplace_back(sql.substr(begin, end - begin));
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;  // doubled quote inside
            continue;
          }
          break;
        }
        ++j;
      }
      size_t end = std::min(j + 1, sql.size());
      mask(i, end);
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      size_t end = j == std::string_view::npos ? sql.size() : j;
      mask(i, end);
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t j = sql.find("*/", i + 2);
      size_t end = j == std::string_view::npos ? sql.size() : j + 2;
      mask(i, end);
      i = end;
    } else if (c == ';') {
      out.emplace_back();
      ++i;
    } else {
      out.back().code += c;
      ++i;
    }
  }
  return out;
}

std::string Unmask(const std::string& code, const std::vector<std::string>& quoted) {
  std::string out;
  for (size_t i = 0; i < code.size(); ++i) {
    if (code[i] != '\x01') {
      out += code[i];
      continue;
    }
    size_t j = code.find('\x01', i + 1);
    out += quoted[std::stoul(code.substr(i + 1, j - i - 1))];
    i = j;
  }
  return out;
}

// ? and ?N -> $N. Returns the highest index.
int MapPlaceholders(std::string& code) {
  std::string out;
  int highest = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    if (code[i] != '?') {
      out += code[i];
      continue;
    }
    size_t j = i + 1;
    while (j < code.size() && std::isdigit(static_cast<unsigned char>(code[j]))) ++j;
    int n = j > i + 1 ? std::stoi(code.substr(i + 1, j - i - 1)) : highest + 1;
    highest = std::max(highest, n);
    out += fmt::format("${}", n);
    i = j - 1;
  }
  code = std::move(out);
  return highest;
}

std::string Trim(std::string s) {
  auto space = [](unsigned char ch) { return std::isspace(ch) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

std::vector<std::string> SplitColumns(const std::string& list) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    std::string c = Trim(list.substr(pos, comma - pos));
    if (!c.empty()) out.push_back(c);
    pos = comma + 1;
  }
  return out;
}

std::string Lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

constexpr auto kIcase = std::regex::ECMAScript | std::regex::icase;

}  // namespace

std::vector<PgStatementText> ToPostgres(std::string_view sql, const PrimaryKeyLookup& primary_key) {
  static const std::regex kBegin(R"(^BEGIN(\s+(IMMEDIATE|DEFERRED|EXCLUSIVE))?(\s+TRANSACTION)?$)",
                                 kIcase);
  static const std::regex kCommit(R"(^(COMMIT|END)(\s+TRANSACTION)?$)", kIcase);
  static const std::regex kRollback(R"(^ROLLBACK(\s+TRANSACTION)?$)", kIcase);
  static const std::regex kPragma(R"(^PRAGMA\b)", kIcase);
  static const std::regex kSerial(R"(\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b)", kIcase);
  static const std::regex kInteger(R"(\bINTEGER\b)", kIcase);
  static const std::regex kBlob(R"(\bBLOB\b)", kIcase);
  static const std::regex kIfNull(R"(\bIFNULL\s*\()", kIcase);
  static const std::regex kIgnore(R"(^INSERT\s+OR\s+IGNORE\s+INTO\b)", kIcase);
  static const std::regex kReplace(
      R"(^INSERT\s+OR\s+REPLACE\s+INTO\s+([A-Za-z_][\w.]*)\s*\(([^)]*)\))", kIcase);

  std::vector<PgStatementText> out;
  for (auto& m : SplitStatements(sql)) {
    std::string code = Trim(m.code);
    // A statement made only of comments is dropped too.
    std::string bare = std::regex_replace(code, std::regex("\x01[0-9]+\x01"), "");
    if (Trim(bare).empty()) continue;
    PgStatementText st;
    if (std::regex_search(code, kBegin)) {
      st.kind = PgStatementText::Kind::kBegin;
    } else if (std::regex_search(code, kCommit)) {
      st.kind = PgStatementText::Kind::kCommit;
    } else if (std::regex_search(code, kRollback)) {
      st.kind = PgStatementText::Kind::kRollback;
    } else if (std::regex_search(code, kPragma)) {
      st.kind = PgStatementText::Kind::kPragma;
    }
    if (st.kind != PgStatementText::Kind::kOther) {
      st.sql = Unmask(code, m.quoted);
      out.push_back(std::move(st));
      continue;
    }
    st.parameters = MapPlaceholders(code);
    code = std::regex_replace(code, kSerial, "BIGSERIAL PRIMARY KEY");
    code = std::regex_replace(code, kInteger, "BIGINT");
    code = std::regex_replace(code, kBlob, "BYTEA");
    code = std::regex_replace(code, kIfNull, "COALESCE(");
    std::smatch match;
    if (std::regex_search(code, kIgnore)) {
      code = std::regex_replace(code, kIgnore, "INSERT INTO") + " ON CONFLICT DO NOTHING";
    } else if (std::regex_search(code, match, kReplace)) {
      std::string table = match[1].str();
      std::vector<std::string> columns = SplitColumns(match[2].str());
      std::string head = fmt::format("INSERT INTO {} ({})", table, match[2].str());
      code = head + match.suffix().str();
      std::vector<std::string> pk = primary_key ? primary_key(table) : std::vector<std::string>{};
      if (!pk.empty()) {
        std::string sets;
        for (const auto& c : columns) {
          bool in_pk = std::find(pk.begin(), pk.end(), Lower(c)) != pk.end();
          if (!in_pk) sets += fmt::format("{}{} = EXCLUDED.{}", sets.empty() ? "" : ", ", c, c);
        }
        std::string target;
        for (const auto& k : pk) target += (target.empty() ? "" : ", ") + k;
        code += sets.empty() ? fmt::format(" ON CONFLICT ({}) DO NOTHING", target)
                             : fmt::format(" ON CONFLICT ({}) DO UPDATE SET {}", target, sets);
      }
    }
    st.sql = Unmask(code, m.quoted);
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace kb::store
