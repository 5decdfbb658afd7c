// TIA-102.AACA KMF key database on store::Database (SQLite or PostgreSQL), secret keys sealed
// with AES-256-GCM at rest.
#include "store/sqlite_kmf_store.h"

#include <fmt/format.h>

#include "crypto/aes.h"
#include "crypto/random.h"

namespace kb::store {

using kmf::Campaign;
using kmf::Group;
using kmf::Keyset;
using kmf::Organisation;
using kmf::Rsi;
using kmf::Task;
using kmf::Tek;
using kmf::Unit;

namespace {

constexpr uint8_t kSealVersion = 1;
constexpr size_t kNonceLen = 12;
constexpr std::string_view kCheckPlain = "keybridge kmf storage key check";

const char* kSchemaV1 = R"sql(
CREATE TABLE org(id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE keyset(org TEXT NOT NULL, keyset_id INTEGER NOT NULL, active INTEGER NOT NULL,
                    PRIMARY KEY(org, keyset_id));
CREATE TABLE tek(org TEXT NOT NULL, keyset_id INTEGER NOT NULL, sln INTEGER NOT NULL,
                 kid INTEGER NOT NULL, algid INTEGER NOT NULL, key BLOB NOT NULL,
                 PRIMARY KEY(org, keyset_id, sln));
CREATE TABLE unit(rsi INTEGER PRIMARY KEY, org TEXT NOT NULL, kmf_rsi INTEGER NOT NULL,
                  ukek_algid INTEGER NOT NULL, ukek_kid INTEGER NOT NULL, ukek BLOB NOT NULL,
                  mac_algid INTEGER NOT NULL, mac_kid INTEGER NOT NULL, mac_key BLOB NOT NULL,
                  mac_format INTEGER NOT NULL, mnp INTEGER NOT NULL, last_mn INTEGER NOT NULL,
                  state INTEGER NOT NULL);
CREATE INDEX unit_org ON unit(org);
CREATE TABLE grp(org TEXT NOT NULL, name TEXT NOT NULL, temporary INTEGER NOT NULL,
                 slns BLOB NOT NULL, PRIMARY KEY(org, name));
CREATE TABLE grp_member(org TEXT NOT NULL, name TEXT NOT NULL, rsi INTEGER NOT NULL,
                        PRIMARY KEY(org, name, rsi));
CREATE INDEX grp_member_rsi ON grp_member(rsi);
CREATE TABLE campaign(id INTEGER PRIMARY KEY AUTOINCREMENT, org TEXT NOT NULL,
                      kind INTEGER NOT NULL, params BLOB NOT NULL, created INTEGER NOT NULL,
                      description TEXT NOT NULL);
CREATE INDEX campaign_org ON campaign(org);
CREATE TABLE task(id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id INTEGER NOT NULL,
                  org TEXT NOT NULL, rsi INTEGER NOT NULL, kind INTEGER NOT NULL,
                  params BLOB NOT NULL, state INTEGER NOT NULL, attempts INTEGER NOT NULL,
                  next_due INTEGER NOT NULL, mns BLOB NOT NULL, status INTEGER NOT NULL,
                  detail TEXT NOT NULL, updated INTEGER NOT NULL);
CREATE INDEX task_campaign ON task(campaign_id);
CREATE INDEX task_active ON task(rsi, id) WHERE state < 2;
CREATE INDEX task_due ON task(next_due) WHERE state < 2;
CREATE TABLE meta(k TEXT PRIMARY KEY, v BLOB NOT NULL);
)sql";

std::string TekAad(std::string_view org, uint8_t keyset, uint16_t sln) {
  return fmt::format("tek|{}|{}|{}", org, keyset, sln);
}
std::string UnitAad(Rsi rsi, std::string_view which) {
  return fmt::format("unit|{}|{}", rsi, which);
}

Bytes EncodeU16List(const std::vector<uint16_t>& v) {
  ByteWriter w(v.size() * 2);
  for (uint16_t x : v) w.U16(x);
  return std::move(w).Take();
}

Result<std::vector<uint16_t>> DecodeU16List(ByteView b, std::string_view field) {
  ByteReader r(b);
  std::vector<uint16_t> out;
  while (!r.empty()) {
    KB_TRY(uint16_t x, r.U16(field));
    out.push_back(x);
  }
  return out;
}

}  // namespace

// A prepared statement with the short names this file uses.
class SqliteKmfStore::Stmt {
 public:
  explicit Stmt(Statement s) : s_(std::move(s)) {}
  Stmt& Int(int i, int64_t v) {
    s_.Bind(i, v);
    return *this;
  }
  Stmt& Text(int i, std::string_view v) {
    s_.Bind(i, v);
    return *this;
  }
  Stmt& Blob(int i, ByteView v) {
    s_.BindBlob(i, v);
    return *this;
  }
  // true: a row is available; false: done.
  Result<bool> Step() { return s_.Step(); }
  Status Run() { return s_.Run(); }
  int64_t ColInt(int i) const { return s_.ColumnInt(i); }
  std::string ColText(int i) const { return s_.ColumnText(i); }
  Bytes ColBlob(int i) const { return s_.ColumnBlob(i); }

 private:
  Statement s_;
};

const std::vector<std::string>& SqliteKmfStore::Migrations() {
  static const std::vector<std::string> migrations = {kSchemaV1};
  return migrations;
}

Result<std::unique_ptr<SqliteKmfStore>> SqliteKmfStore::Open(const std::string& path,
                                                             SecretBytes storage_key) {
  if (storage_key.size() != 32)
    return Fail(Error::InvalidArgument("storage key: expected 32 octets"));
  KB_TRY(SqliteDatabase db, SqliteDatabase::Open(path, Migrations()));
  return Open(std::make_unique<SqliteDatabase>(std::move(db)), std::move(storage_key));
}

Result<std::unique_ptr<SqliteKmfStore>> SqliteKmfStore::Open(const StorageOptions& storage,
                                                             SecretBytes storage_key) {
  if (storage_key.size() != 32)
    return Fail(Error::InvalidArgument("storage key: expected 32 octets"));
  KB_TRY(auto db, OpenDatabase(storage, "kmf", Migrations()));
  return Open(std::move(db), std::move(storage_key));
}

Result<std::unique_ptr<SqliteKmfStore>> SqliteKmfStore::Open(std::unique_ptr<Database> db,
                                                             SecretBytes storage_key) {
  if (storage_key.size() != 32)
    return Fail(Error::InvalidArgument("storage key: expected 32 octets"));
  std::unique_ptr<SqliteKmfStore> s(new SqliteKmfStore(std::move(db), std::move(storage_key)));
  KB_CHECK(s->CheckStorageKey());
  return s;
}

SqliteKmfStore::~SqliteKmfStore() = default;

Status SqliteKmfStore::Exec(const char* sql) { return db_->Exec(sql); }

Result<SqliteKmfStore::Stmt> SqliteKmfStore::Prepare(const char* sql) {
  KB_TRY(Statement st, db_->Prepare(sql));
  return Stmt(std::move(st));
}

// The first open of a new database seals the check value; later opens verify it.
Status SqliteKmfStore::CheckStorageKey() {
  bool fresh = false;
  KB_CHECK(db_->Transaction([&]() -> Status {
    KB_TRY(Stmt q, Prepare("SELECT COUNT(*) FROM meta WHERE k = 'key_check'"));
    KB_TRY(bool row, q.Step());
    if (row && q.ColInt(0) > 0) return Ok();
    fresh = true;
    KB_TRY(Bytes check, Seal("meta|key_check", AsBytes(kCheckPlain)));
    KB_TRY(Stmt ins, Prepare("INSERT INTO meta(k, v) VALUES('key_check', ?1)"));
    return ins.Blob(1, check).Run();
  }));
  if (fresh) return Ok();
  KB_TRY(Stmt q, Prepare("SELECT v FROM meta WHERE k = 'key_check'"));
  KB_TRY(bool row, q.Step());
  if (!row) return Fail(Error::Malformed("KMF database: key check value missing"));
  auto plain = Unseal("meta|key_check", q.ColBlob(0));
  if (!plain || !ConstantTimeEqual(plain->Reveal(), AsBytes(kCheckPlain)))
    return Fail(Error::CryptoFailure("KMF database: wrong storage key"));
  return Ok();
}

Result<Bytes> SqliteKmfStore::Seal(std::string_view aad, ByteView plaintext) const {
  Bytes nonce = crypto::RandomBytes(kNonceLen);
  KB_TRY(Bytes sealed, crypto::AesGcmSeal(key_.Reveal(), nonce, AsBytes(aad), plaintext));
  ByteWriter w(1 + kNonceLen + sealed.size());
  w.U8(kSealVersion).Append(nonce).Append(sealed);
  return std::move(w).Take();
}

Result<SecretBytes> SqliteKmfStore::Unseal(std::string_view aad, ByteView sealed) const {
  ByteReader r(sealed);
  KB_TRY(uint8_t version, r.U8("sealed key version"));
  if (version != kSealVersion) return Fail(r.MalformedAt("sealed key version", "unknown"));
  KB_TRY(ByteView nonce, r.Take(kNonceLen, "sealed key nonce"));
  ByteView body = r.Rest();
  auto open = crypto::AesGcmOpen(key_.Reveal(), nonce, AsBytes(aad), body);
  if (!open) return Fail(Error::CryptoFailure(fmt::format("sealed key {}: tag mismatch", aad)));
  return std::move(*open);
}

Status SqliteKmfStore::Begin() { return db_->Begin(); }
Status SqliteKmfStore::Commit() { return db_->Commit(); }
Status SqliteKmfStore::Rollback() { return db_->Rollback(); }

Status SqliteKmfStore::AddOrganisation(const Organisation& org) {
  KB_TRY(Stmt s, Prepare("INSERT INTO org(id, name) VALUES(?1, ?2)"));
  auto st = s.Text(1, org.id).Text(2, org.display_name).Run();
  if (!st && st.error().kind() == ErrorKind::kConflict)
    return Fail(Error::Conflict("organisation exists: " + org.id));
  return st;
}

Result<std::optional<Organisation>> SqliteKmfStore::FindOrganisation(std::string_view id) {
  KB_TRY(Stmt s, Prepare("SELECT id, name FROM org WHERE id = ?1"));
  s.Text(1, id);
  KB_TRY(bool row, s.Step());
  if (!row) return std::optional<Organisation>{};
  return std::optional<Organisation>{Organisation{s.ColText(0), s.ColText(1)}};
}

Result<std::vector<Organisation>> SqliteKmfStore::ListOrganisations() {
  KB_TRY(Stmt s, Prepare("SELECT id, name FROM org ORDER BY id"));
  std::vector<Organisation> out;
  while (true) {
    KB_TRY(bool row, s.Step());
    if (!row) break;
    out.push_back({s.ColText(0), s.ColText(1)});
  }
  return out;
}

Status SqliteKmfStore::PutKeyset(const Keyset& ks) {
  KB_TRY(Stmt s, Prepare("INSERT OR REPLACE INTO keyset(org, keyset_id, active) VALUES(?1,?2,?3)"));
  return s.Text(1, ks.org).Int(2, ks.keyset_id).Int(3, ks.active ? 1 : 0).Run();
}

Result<std::vector<Keyset>> SqliteKmfStore::ListKeysets(std::string_view org) {
  KB_TRY(Stmt s, Prepare("SELECT keyset_id, active FROM keyset WHERE org = ?1 ORDER BY keyset_id"));
  s.Text(1, org);
  std::vector<Keyset> out;
  while (true) {
    KB_TRY(bool row, s.Step());
    if (!row) break;
    out.push_back({std::string(org), static_cast<uint8_t>(s.ColInt(0)), s.ColInt(1) != 0});
  }
  return out;
}

Status SqliteKmfStore::PutTek(const Tek& tek) {
  KB_TRY(Bytes sealed, Seal(TekAad(tek.org, tek.ref.keyset_id, tek.ref.sln), tek.key.Reveal()));
  KB_TRY(Stmt s, Prepare("INSERT OR REPLACE INTO tek(org, keyset_id, sln, kid, algid, key) "
                         "VALUES(?1,?2,?3,?4,?5,?6)"));
  return s.Text(1, tek.org)
      .Int(2, tek.ref.keyset_id)
      .Int(3, tek.ref.sln)
      .Int(4, tek.ref.kid)
      .Int(5, tek.ref.algid)
      .Blob(6, sealed)
      .Run();
}

Status SqliteKmfStore::DeleteTek(std::string_view org, uint8_t keyset_id, uint16_t sln) {
  KB_TRY(Stmt s, Prepare("DELETE FROM tek WHERE org = ?1 AND keyset_id = ?2 AND sln = ?3"));
  return s.Text(1, org).Int(2, keyset_id).Int(3, sln).Run();
}

Result<std::vector<Tek>> SqliteKmfStore::ListTeks(std::string_view org) {
  KB_TRY(Stmt s, Prepare("SELECT keyset_id, sln, kid, algid, key FROM tek WHERE org = ?1 "
                         "ORDER BY keyset_id, sln"));
  s.Text(1, org);
  std::vector<Tek> out;
  while (true) {
    KB_TRY(bool row, s.Step());
    if (!row) break;
    kmf::KeyRef ref{static_cast<uint8_t>(s.ColInt(0)), static_cast<uint16_t>(s.ColInt(1)),
                    static_cast<uint16_t>(s.ColInt(2)), static_cast<uint8_t>(s.ColInt(3))};
    KB_TRY(SecretBytes key, Unseal(TekAad(org, ref.keyset_id, ref.sln), s.ColBlob(4)));
    out.push_back({std::string(org), ref, std::move(key)});
  }
  return out;
}

Status SqliteKmfStore::PutUnitRow(const Unit& u) {
  KB_TRY(Bytes ukek, Seal(UnitAad(u.rsi, "ukek"), u.ukek.key.Reveal()));
  KB_TRY(Bytes mac, Seal(UnitAad(u.rsi, "mac"), u.mac_key.key.Reveal()));
  KB_TRY(Stmt s, Prepare("INSERT OR REPLACE INTO unit(rsi, org, kmf_rsi, ukek_algid, ukek_kid, "
                         "ukek, mac_algid, mac_kid, mac_key, mac_format, mnp, last_mn, state) "
                         "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"));
  return s.Int(1, u.rsi)
      .Text(2, u.org)
      .Int(3, u.kmf_rsi)
      .Int(4, u.ukek.algid)
      .Int(5, u.ukek.kid)
      .Blob(6, ukek)
      .Int(7, u.mac_key.algid)
      .Int(8, u.mac_key.kid)
      .Blob(9, mac)
      .Int(10, static_cast<int64_t>(u.mac_format))
      .Int(11, u.mnp)
      .Int(12, u.last_mn)
      .Int(13, static_cast<int64_t>(u.state))
      .Run();
}

Status SqliteKmfStore::PutUnit(const Unit& unit) {
  KB_TRY(Stmt s, Prepare("SELECT org FROM unit WHERE rsi = ?1"));
  s.Int(1, unit.rsi);
  KB_TRY(bool row, s.Step());
  if (row && s.ColText(0) != unit.org)
    return Fail(Error::Conflict(fmt::format("RSI {} belongs to another organisation", unit.rsi)));
  return PutUnitRow(unit);
}

Result<std::optional<Unit>> SqliteKmfStore::FindUnit(Rsi rsi) {
  KB_TRY(Stmt s, Prepare("SELECT org, kmf_rsi, ukek_algid, ukek_kid, ukek, mac_algid, mac_kid, "
                         "mac_key, mac_format, mnp, last_mn, state FROM unit WHERE rsi = ?1"));
  s.Int(1, rsi);
  KB_TRY(bool row, s.Step());
  if (!row) return std::optional<Unit>{};
  Unit u;
  u.rsi = rsi;
  u.org = s.ColText(0);
  u.kmf_rsi = static_cast<Rsi>(s.ColInt(1));
  u.ukek.algid = static_cast<uint8_t>(s.ColInt(2));
  u.ukek.kid = static_cast<uint16_t>(s.ColInt(3));
  KB_TRY(u.ukek.key, Unseal(UnitAad(rsi, "ukek"), s.ColBlob(4)));
  u.mac_key.algid = static_cast<uint8_t>(s.ColInt(5));
  u.mac_key.kid = static_cast<uint16_t>(s.ColInt(6));
  KB_TRY(u.mac_key.key, Unseal(UnitAad(rsi, "mac"), s.ColBlob(7)));
  u.mac_format = static_cast<kmf::MacFormat>(s.ColInt(8));
  u.mnp = static_cast<uint16_t>(s.ColInt(9));
  u.last_mn = static_cast<uint16_t>(s.ColInt(10));
  u.state = static_cast<kmf::UnitState>(s.ColInt(11));
  return std::optional<Unit>{std::move(u)};
}

Result<std::optional<kmf::UnitSummary>> SqliteKmfStore::FindUnitSummary(Rsi rsi) {
  KB_TRY(Stmt s, Prepare("SELECT org, state, ukek_kid, mac_kid, last_mn, mnp FROM unit "
                         "WHERE rsi = ?1"));
  s.Int(1, rsi);
  KB_TRY(bool row, s.Step());
  if (!row) return std::optional<kmf::UnitSummary>{};
  return std::optional<kmf::UnitSummary>{
      kmf::UnitSummary{rsi, s.ColText(0), static_cast<kmf::UnitState>(s.ColInt(1)),
                       static_cast<uint16_t>(s.ColInt(2)), static_cast<uint16_t>(s.ColInt(3)),
                       static_cast<uint16_t>(s.ColInt(4)), static_cast<uint16_t>(s.ColInt(5))}};
}

Result<std::vector<Rsi>> SqliteKmfStore::ListUnits(std::string_view org) {
  KB_TRY(Stmt s, Prepare("SELECT rsi FROM unit WHERE org = ?1 ORDER BY rsi"));
  s.Text(1, org);
  std::vector<Rsi> out;
  while (true) {
    KB_TRY(bool row, s.Step());
    if (!row) break;
    out.push_back(static_cast<Rsi>(s.ColInt(0)));
  }
  return out;
}

Status SqliteKmfStore::SetUnitLastMn(Rsi rsi, uint16_t last_mn) {
  KB_TRY(Stmt s, Prepare("UPDATE unit SET last_mn = ?2 WHERE rsi = ?1"));
  KB_CHECK(s.Int(1, rsi).Int(2, last_mn).Run());
  if (db_->Changes() == 0) return Fail(Error::NotFound(fmt::format("unit {}", rsi)));
  return Ok();
}

Status SqliteKmfStore::SetUnitState(Rsi rsi, kmf::UnitState state) {
  KB_TRY(Stmt s, Prepare("UPDATE unit SET state = ?2 WHERE rsi = ?1"));
  KB_CHECK(s.Int(1, rsi).Int(2, static_cast<int64_t>(state)).Run());
  if (db_->Changes() == 0) return Fail(Error::NotFound(fmt::format("unit {}", rsi)));
  return Ok();
}

Status SqliteKmfStore::RenameUnit(Rsi old_rsi, Rsi new_rsi) {
  KB_TRY(auto found, FindUnit(old_rsi));
  if (!found) return Fail(Error::NotFound(fmt::format("unit {}", old_rsi)));
  KB_TRY(auto clash, FindUnit(new_rsi));
  if (clash) return Fail(Error::Conflict(fmt::format("unit {}", new_rsi)));
  Unit u = std::move(*found);
  u.rsi = new_rsi;
  KB_CHECK(PutUnitRow(u));  // re-sealed: the AAD names the RSI
  KB_TRY(Stmt del, Prepare("DELETE FROM unit WHERE rsi = ?1"));
  KB_CHECK(del.Int(1, old_rsi).Run());
  KB_TRY(Stmt m, Prepare("UPDATE grp_member SET rsi = ?2 WHERE rsi = ?1"));
  KB_CHECK(m.Int(1, old_rsi).Int(2, new_rsi).Run());
  KB_TRY(Stmt t, Prepare("UPDATE task SET rsi = ?2 WHERE rsi = ?1"));
  return t.Int(1, old_rsi).Int(2, new_rsi).Run();
}

Status SqliteKmfStore::PutGroup(const Group& g) {
  KB_TRY(Stmt s, Prepare("INSERT OR REPLACE INTO grp(org, name, temporary, slns) "
                         "VALUES(?1,?2,?3,?4)"));
  KB_CHECK(s.Text(1, g.org)
               .Text(2, g.name)
               .Int(3, g.temporary ? 1 : 0)
               .Blob(4, EncodeU16List(g.slns))
               .Run());
  KB_TRY(Stmt d, Prepare("DELETE FROM grp_member WHERE org = ?1 AND name = ?2"));
  KB_CHECK(d.Text(1, g.org).Text(2, g.name).Run());
  for (Rsi r : g.members) {
    KB_TRY(Stmt m, Prepare("INSERT OR IGNORE INTO grp_member(org, name, rsi) VALUES(?1,?2,?3)"));
    KB_CHECK(m.Text(1, g.org).Text(2, g.name).Int(3, r).Run());
  }
  return Ok();
}

Status SqliteKmfStore::DeleteGroup(std::string_view org, std::string_view name) {
  KB_TRY(Stmt d, Prepare("DELETE FROM grp_member WHERE org = ?1 AND name = ?2"));
  KB_CHECK(d.Text(1, org).Text(2, name).Run());
  KB_TRY(Stmt g, Prepare("DELETE FROM grp WHERE org = ?1 AND name = ?2"));
  return g.Text(1, org).Text(2, name).Run();
}

Result<Group> SqliteKmfStore::LoadGroup(std::string org, std::string name, bool temporary,
                                        ByteView slns) {
  Group g;
  g.org = std::move(org);
  g.name = std::move(name);
  g.temporary = temporary;
  KB_TRY(g.slns, DecodeU16List(slns, "group SLNs"));
  KB_TRY(Stmt m, Prepare("SELECT rsi FROM grp_member WHERE org = ?1 AND name = ?2 ORDER BY rsi"));
  m.Text(1, g.org).Text(2, g.name);
  while (true) {
    KB_TRY(bool row, m.Step());
    if (!row) break;
    g.members.push_back(static_cast<Rsi>(m.ColInt(0)));
  }
  return g;
}

Result<std::optional<Group>> SqliteKmfStore::FindGroup(std::string_view org,
                                                       std::string_view name) {
  std::string slns;
  bool temporary = false;
  {
    KB_TRY(Stmt s, Prepare("SELECT temporary, slns FROM grp WHERE org = ?1 AND name = ?2"));
    s.Text(1, org).Text(2, name);
    KB_TRY(bool row, s.Step());
    if (!row) return std::optional<Group>{};
    temporary = s.ColInt(0) != 0;
    Bytes b = s.ColBlob(1);
    slns.assign(b.begin(), b.end());
  }
  KB_TRY(Group g, LoadGroup(std::string(org), std::string(name), temporary, AsBytes(slns)));
  return std::optional<Group>{std::move(g)};
}

Result<std::vector<Group>> SqliteKmfStore::ListGroups(std::string_view org) {
  std::vector<std::string> names;
  {
    KB_TRY(Stmt s, Prepare("SELECT name FROM grp WHERE org = ?1 ORDER BY name"));
    s.Text(1, org);
    while (true) {
      KB_TRY(bool row, s.Step());
      if (!row) break;
      names.push_back(s.ColText(0));
    }
  }
  std::vector<Group> out;
  for (const auto& n : names) {
    KB_TRY(auto g, FindGroup(org, n));
    if (g) out.push_back(std::move(*g));
  }
  return out;
}

Result<std::vector<Group>> SqliteKmfStore::GroupsOfUnit(Rsi rsi) {
  std::vector<std::pair<std::string, std::string>> keys;
  {
    KB_TRY(Stmt s, Prepare("SELECT org, name FROM grp_member WHERE rsi = ?1 ORDER BY org, name"));
    s.Int(1, rsi);
    while (true) {
      KB_TRY(bool row, s.Step());
      if (!row) break;
      keys.emplace_back(s.ColText(0), s.ColText(1));
    }
  }
  std::vector<Group> out;
  for (const auto& [o, n] : keys) {
    KB_TRY(Stmt s, Prepare("SELECT temporary, slns FROM grp WHERE org = ?1 AND name = ?2"));
    s.Text(1, o).Text(2, n);
    KB_TRY(bool row, s.Step());
    if (!row) continue;
    KB_TRY(auto slns, DecodeU16List(s.ColBlob(1), "group SLNs"));
    out.push_back(Group{o, n, s.ColInt(0) != 0, {}, std::move(slns)});
  }
  return out;
}

Result<int64_t> SqliteKmfStore::AddCampaign(const Campaign& c) {
  KB_TRY(Stmt s, Prepare("INSERT INTO campaign(org, kind, params, created, description) "
                         "VALUES(?1,?2,?3,?4,?5)"));
  KB_CHECK(s.Text(1, c.org)
               .Int(2, static_cast<int64_t>(c.kind))
               .Blob(3, c.params)
               .Int(4, kmf::ToMillis(c.created))
               .Text(5, c.description)
               .Run());
  return db_->LastInsertRowId();
}

namespace {
constexpr const char* kCampaignCols = "id, org, kind, params, created, description";
}

Result<std::optional<Campaign>> SqliteKmfStore::FindCampaign(int64_t id) {
  KB_TRY(Stmt s, Prepare("SELECT id, org, kind, params, created, description FROM campaign "
                         "WHERE id = ?1"));
  (void)kCampaignCols;
  s.Int(1, id);
  KB_TRY(bool row, s.Step());
  if (!row) return std::optional<Campaign>{};
  Bytes p = s.ColBlob(3);
  return std::optional<Campaign>{
      Campaign{s.ColInt(0), s.ColText(1), static_cast<kmf::CampaignKind>(s.ColInt(2)),
               Bytes(p.begin(), p.end()), kmf::FromMillis(s.ColInt(4)), s.ColText(5)}};
}

Result<std::vector<Campaign>> SqliteKmfStore::ListCampaigns(std::string_view org) {
  KB_TRY(Stmt s, Prepare("SELECT id, org, kind, params, created, description FROM campaign "
                         "WHERE org = ?1 ORDER BY id"));
  s.Text(1, org);
  std::vector<Campaign> out;
  while (true) {
    KB_TRY(bool row, s.Step());
    if (!row) break;
    Bytes p = s.ColBlob(3);
    out.push_back(Campaign{s.ColInt(0), s.ColText(1), static_cast<kmf::CampaignKind>(s.ColInt(2)),
                           Bytes(p.begin(), p.end()), kmf::FromMillis(s.ColInt(4)), s.ColText(5)});
  }
  return out;
}

#define KB_TASK_COLS                                                                          \
  "id, campaign_id, org, rsi, kind, params, state, attempts, next_due, mns, status, detail, " \
  "updated"

namespace {
Result<Task> ReadTask(const auto& s) {
  Task t;
  t.id = s.ColInt(0);
  t.campaign_id = s.ColInt(1);
  t.org = s.ColText(2);
  t.rsi = static_cast<Rsi>(s.ColInt(3));
  t.kind = static_cast<kmf::CampaignKind>(s.ColInt(4));
  Bytes p = s.ColBlob(5);
  t.params.assign(p.begin(), p.end());
  t.state = static_cast<kmf::TaskState>(s.ColInt(6));
  t.attempts = static_cast<uint32_t>(s.ColInt(7));
  t.next_due = kmf::FromMillis(s.ColInt(8));
  KB_TRY(t.mns, DecodeU16List(s.ColBlob(9), "task MNs"));
  t.status = static_cast<uint8_t>(s.ColInt(10));
  t.detail = s.ColText(11);
  t.updated = kmf::FromMillis(s.ColInt(12));
  return t;
}
}  // namespace

Result<int64_t> SqliteKmfStore::AddTask(const Task& t) {
  KB_TRY(Stmt s, Prepare("INSERT INTO task(campaign_id, org, rsi, kind, params, state, attempts, "
                         "next_due, mns, status, detail, updated) "
                         "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"));
  KB_CHECK(s.Int(1, t.campaign_id)
               .Text(2, t.org)
               .Int(3, t.rsi)
               .Int(4, static_cast<int64_t>(t.kind))
               .Blob(5, t.params)
               .Int(6, static_cast<int64_t>(t.state))
               .Int(7, t.attempts)
               .Int(8, kmf::ToMillis(t.next_due))
               .Blob(9, EncodeU16List(t.mns))
               .Int(10, t.status)
               .Text(11, t.detail)
               .Int(12, kmf::ToMillis(t.updated))
               .Run());
  return db_->LastInsertRowId();
}

Status SqliteKmfStore::UpdateTask(const Task& t) {
  KB_TRY(Stmt s, Prepare("UPDATE task SET rsi = ?2, state = ?3, attempts = ?4, next_due = ?5, "
                         "mns = ?6, status = ?7, detail = ?8, updated = ?9 WHERE id = ?1"));
  KB_CHECK(s.Int(1, t.id)
               .Int(2, t.rsi)
               .Int(3, static_cast<int64_t>(t.state))
               .Int(4, t.attempts)
               .Int(5, kmf::ToMillis(t.next_due))
               .Blob(6, EncodeU16List(t.mns))
               .Int(7, t.status)
               .Text(8, t.detail)
               .Int(9, kmf::ToMillis(t.updated))
               .Run());
  if (db_->Changes() == 0) return Fail(Error::NotFound(fmt::format("task {}", t.id)));
  return Ok();
}

Result<std::vector<Task>> SqliteKmfStore::ListTasks(int64_t campaign_id) {
  KB_TRY(Stmt s, Prepare("SELECT " KB_TASK_COLS " FROM task WHERE campaign_id = ?1 ORDER BY id"));
  s.Int(1, campaign_id);
  std::vector<Task> out;
  while (true) {
    KB_TRY(bool row, s.Step());
    if (!row) break;
    KB_TRY(Task t, ReadTask(s));
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::optional<Task>> SqliteKmfStore::HeadTask(Rsi rsi) {
  KB_TRY(Stmt s, Prepare("SELECT " KB_TASK_COLS
                         " FROM task WHERE rsi = ?1 AND state < 2 ORDER BY id LIMIT 1"));
  s.Int(1, rsi);
  KB_TRY(bool row, s.Step());
  if (!row) return std::optional<Task>{};
  KB_TRY(Task t, ReadTask(s));
  return std::optional<Task>{std::move(t)};
}

Result<std::vector<Task>> SqliteKmfStore::DueHeadTasks(kmf::TimePoint now, size_t limit) {
  KB_TRY(Stmt s, Prepare("SELECT " KB_TASK_COLS " FROM task t WHERE t.state < 2 AND "
                         "t.next_due <= ?1 AND t.id = (SELECT MIN(u.id) FROM task u WHERE "
                         "u.rsi = t.rsi AND u.state < 2) ORDER BY t.id LIMIT ?2"));
  s.Int(1, kmf::ToMillis(now))
      .Int(2, limit > static_cast<size_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(limit));
  std::vector<Task> out;
  while (true) {
    KB_TRY(bool row, s.Step());
    if (!row) break;
    KB_TRY(Task t, ReadTask(s));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace kb::store
