// keybridge kmf ...: administration of a P25 KMF state directory (TIA-102.AACA key database).
//
// The directory holds kmf.db (SQLite, keys sealed under the storage key) and storage.key (32
// random octets, mode 0600). Every command except init names the acting organisation (--org):
// the engine refuses anything outside it. Key values are never printed.
#include <fmt/format.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/input.h"
#include "app/kmf_state.h"
#include "app/mc_endpoint_config.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "kmf/kmf_engine.h"
#include "kmf_service/root_key_export.h"
#include "kms/at_rest.h"
#include "store/sqlite_kmf_store.h"

namespace kb::app {
namespace {

namespace fs = std::filesystem;

struct KmfArgs {
  std::string state;
  std::string config, node = "kmf";  // or: the state directory of a kmf node in a config file
  std::string org;
  std::string name;
  std::string rsi, new_rsi, kmf_rsi = "9999999", mnp = "65535";
  std::string ukek_hex, ukek_out, ukek_kid = "1", mac_hex, mac_kid, mac_format = "cmac";
  bool generate = false, temporary = false, all = false;
  std::vector<std::string> members, slns, from_groups;
  std::string keyset = "1", sln, kid, algid = "0x84", key_hex;
  std::string unit, group;
  int64_t campaign = 0;
  bool json = false;
  std::string iwf_node = "iwf", out, serial = "1";
};

int Report(const Error& e) {
  std::fprintf(stderr, "keybridge kmf: %s\n", e.ToString().c_str());
  return 1;
}

Result<uint32_t> ParseNumber(const std::string& text, std::string_view field, uint64_t max) {
  try {
    size_t used = 0;
    unsigned long long v = std::stoull(text, &used, 0);
    if (used != text.size() || v > max) throw std::out_of_range(field.data());
    return static_cast<uint32_t>(v);
  } catch (const std::exception&) {
    return Fail(Error::InvalidArgument(fmt::format("{}: not a number up to {}", field, max)));
  }
}

kmf::TimePoint Now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string KeyPath(const std::string& state) { return (fs::path(state) / "storage.key").string(); }
std::string DbPath(const std::string& state) { return (fs::path(state) / "kmf.db").string(); }

Result<SecretBytes> ReadStorageKey(const std::string& state) {
  std::ifstream in(KeyPath(state), std::ios::binary);
  if (!in) return Fail(Error::Io("cannot read " + KeyPath(state) + " (run kmf init)"));
  Bytes raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (raw.size() != 32) return Fail(Error::Malformed("storage.key: expected 32 octets"));
  return SecretBytes::Adopt(std::move(raw));
}

// With --config, the node's storage: section decides where the key database is (kmf.db in the
// state directory, or the node's PostgreSQL schema), as for the running node.
Result<std::optional<store::StorageOptions>> PostgresOf(const KmfArgs& a) {
  if (a.config.empty()) return std::nullopt;
  return KmfPostgresStorage(a.config, a.node);
}

Result<std::unique_ptr<store::SqliteKmfStore>> OpenState(const KmfArgs& a,
                                                         const std::string& state) {
  KB_TRY(SecretBytes key, ReadStorageKey(state));
  KB_TRY(auto postgres, PostgresOf(a));
  if (postgres) return store::SqliteKmfStore::Open(*postgres, std::move(key));
  return store::SqliteKmfStore::Open(DbPath(state), std::move(key));
}

// --state DIR, or the state directory of node --node in --config FILE (the directory a running
// `serve --role kmf` uses, so that what a command queues is sent by that node).
Result<std::string> StateDir(const KmfArgs& a) {
  if (a.state.empty() == a.config.empty())
    return Fail(Error::InvalidArgument("give exactly one of --state DIR and --config FILE"));
  if (!a.state.empty()) return a.state;
  KB_TRY(auto dir, KmfStateDirFromConfig(a.config, a.node));
  return dir.string();
}

Result<SecretBytes> SecretFromHex(const std::string& hex, std::string_view field) {
  KB_TRY(Bytes b, FromHex(hex, field));
  return SecretBytes::Adopt(std::move(b));
}

// Runs fn with an engine on the state directory; prints the error and sets the exit code.
template <typename Fn>
void WithEngine(const KmfArgs& a, Fn fn) {
  auto dir = StateDir(a);
  if (!dir) {
    ExitCode() = Report(dir.error());
    return;
  }
  auto st = OpenState(a, *dir);
  if (!st) {
    ExitCode() = Report(st.error());
    return;
  }
  kmf::KmfEngine engine(**st);
  Status r = fn(engine);
  if (!r) ExitCode() = Report(r.error());
}

Status Init(const KmfArgs& args) {
  KmfArgs a = args;
  KB_TRY(a.state, StateDir(args));
  std::error_code ec;
  fs::create_directories(a.state, ec);
  if (ec) return Fail(Error::Io("cannot create " + a.state + ": " + ec.message()));
  ::chmod(a.state.c_str(), 0700);
  if (fs::exists(KeyPath(a.state)))
    return Fail(Error::Conflict(a.state + " is already a KMF state directory"));
  SecretBytes key = crypto::RandomSecret(32);
  KB_CHECK(kms::WriteFileAtomic(KeyPath(a.state), key.Reveal(), 0600));
  KB_TRY(auto postgres, PostgresOf(args));
  if (postgres) {
    KB_TRY(auto pg, store::SqliteKmfStore::Open(*postgres, std::move(key)));
  } else {
    KB_TRY(auto db, store::SqliteKmfStore::Open(DbPath(a.state), std::move(key)));
  }
  std::printf("KMF state initialised in %s (schema version %d)\n", a.state.c_str(),
              store::SqliteKmfStore::kSchemaVersion);
  return Ok();
}

Status AddUnit(kmf::KmfEngine& e, const KmfArgs& a) {
  kmf::Unit u;
  KB_TRY(u.rsi, ParseNumber(a.rsi, "--rsi", kmf::kMaxRsi));
  KB_TRY(u.kmf_rsi, ParseNumber(a.kmf_rsi, "--kmf-rsi", kmf::kMaxRsi));
  KB_TRY(uint32_t mnp, ParseNumber(a.mnp, "--mnp", 0xFFFF));
  u.mnp = static_cast<uint16_t>(mnp);
  KB_TRY(uint32_t ukid, ParseNumber(a.ukek_kid, "--ukek-kid", 0xFFFF));
  u.ukek.kid = static_cast<uint16_t>(ukid);
  if (a.generate == !a.ukek_hex.empty())
    return Fail(Error::InvalidArgument("give exactly one of --ukek HEX and --generate"));
  if (a.generate) {
    if (a.ukek_out.empty())
      return Fail(Error::InvalidArgument(
          "--generate needs --ukek-out FILE (the key fill for the radio's keyloader)"));
    u.ukek.key = crypto::RandomSecret(32);
  } else {
    KB_TRY(u.ukek.key, SecretFromHex(a.ukek_hex, "--ukek"));
  }
  if (!a.mac_hex.empty()) {
    KB_TRY(u.mac_key.key, SecretFromHex(a.mac_hex, "--mac-key"));
    u.mac_key.kid = u.ukek.kid;
    if (!a.mac_kid.empty()) {
      KB_TRY(uint32_t mk, ParseNumber(a.mac_kid, "--mac-kid", 0xFFFF));
      u.mac_key.kid = static_cast<uint16_t>(mk);
    }
  }
  if (a.mac_format == "cbc")
    u.mac_format = kmf::MacFormat::kCbcMac;
  else if (a.mac_format != "cmac")
    return Fail(Error::InvalidArgument("--mac: cbc or cmac"));
  std::string fill;
  if (a.generate) fill = ToHex(u.ukek.key.Reveal()) + "\n";
  KB_CHECK(e.AddUnit(a.org, std::move(u)));
  if (a.generate) {
    auto w = kms::WriteFileAtomic(a.ukek_out, AsBytes(fill), 0600);
    SecureWipe(fill.data(), fill.size());
    KB_CHECK(w);
  }
  KB_TRY(auto info, e.GetUnit(a.org, static_cast<kmf::Rsi>(std::stoul(a.rsi, nullptr, 0))));
  std::printf("unit %u added to %s (UKEK KID 0x%04X, MAC key KID 0x%04X)%s\n", info.rsi,
              a.org.c_str(), info.ukek_kid, info.mac_kid,
              a.generate ? fmt::format(", UKEK written to {}", a.ukek_out).c_str() : "");
  return Ok();
}

Status AddGroup(kmf::KmfEngine& e, const KmfArgs& a) {
  kmf::Group g;
  g.name = a.name;
  g.temporary = a.temporary;
  for (const auto& m : a.members) {
    KB_TRY(uint32_t r, ParseNumber(m, "--member", kmf::kMaxRsi));
    g.members.push_back(r);
  }
  for (const auto& s : a.slns) {
    KB_TRY(uint32_t v, ParseNumber(s, "--sln", 0xFFFF));
    g.slns.push_back(static_cast<uint16_t>(v));
  }
  size_t n = g.members.size();
  KB_CHECK(e.PutGroup(a.org, std::move(g)));
  std::printf("%sgroup %s of %s: %zu members\n", a.temporary ? "temporary " : "", a.name.c_str(),
              a.org.c_str(), n);
  return Ok();
}

Status AddKey(kmf::KmfEngine& e, const KmfArgs& a) {
  kmf::Tek t;
  KB_TRY(uint32_t ks, ParseNumber(a.keyset, "--keyset", 254));
  KB_TRY(uint32_t sln, ParseNumber(a.sln, "--sln", 0xFFFF));
  KB_TRY(uint32_t kid, ParseNumber(a.kid, "--kid", 0xFFFF));
  KB_TRY(uint32_t alg, ParseNumber(a.algid, "--algid", 0xFF));
  t.ref = {static_cast<uint8_t>(ks), static_cast<uint16_t>(sln), static_cast<uint16_t>(kid),
           static_cast<uint8_t>(alg)};
  if (a.generate == !a.key_hex.empty())
    return Fail(Error::InvalidArgument("give exactly one of --key HEX and --generate"));
  if (a.generate) {
    t.key = crypto::RandomSecret(alg == 0x85 ? 16 : 32);
  } else {
    KB_TRY(t.key, SecretFromHex(a.key_hex, "--key"));
  }
  KB_CHECK(e.PutTek(a.org, std::move(t)));
  std::printf("TEK keyset %u SLN %u KID 0x%04X ALGID 0x%02X stored for %s\n", ks, sln, kid, alg,
              a.org.c_str());
  return Ok();
}

Status Rekey(kmf::KmfEngine& e, const KmfArgs& a) {
  int given = !a.unit.empty() + !a.group.empty() + (a.all ? 1 : 0);
  if (given != 1)
    return Fail(Error::InvalidArgument("give exactly one of --unit RSI, --group NAME, --all"));
  kmf::TimePoint now = Now();
  int64_t id = 0;
  if (!a.unit.empty()) {
    KB_TRY(uint32_t r, ParseNumber(a.unit, "--unit", kmf::kMaxRsi));
    KB_TRY(id, e.RekeyUnit(a.org, r, now));
  } else if (!a.group.empty()) {
    KB_TRY(id, e.RekeyGroup(a.org, a.group, now));
  } else {
    KB_TRY(id, e.RekeyAll(a.org, now));
  }
  KB_TRY(auto st, e.GetCampaignStatus(a.org, id));
  std::printf("campaign %lld: %s, %zu units queued\n", static_cast<long long>(id),
              st.campaign.description.c_str(), st.tasks.size());
  return Ok();
}

Status ShowStatus(kmf::KmfEngine& e, const KmfArgs& a) {
  if (a.campaign == 0) {
    KB_TRY(auto list, e.ListCampaigns(a.org));
    for (const auto& c : list) {
      KB_TRY(auto st, e.GetCampaignStatus(a.org, c.id));
      std::printf("%lld %-12s %-40s queued %zu sent %zu done %zu failed %zu cancelled %zu\n",
                  static_cast<long long>(c.id), std::string(CampaignKindName(c.kind)).c_str(),
                  c.description.c_str(), st.queued, st.sent, st.done, st.failed, st.cancelled);
    }
    if (list.empty()) std::printf("no campaigns for %s\n", a.org.c_str());
    return Ok();
  }
  KB_TRY(auto st, e.GetCampaignStatus(a.org, a.campaign));
  std::printf("campaign %lld (%s): %s\n", static_cast<long long>(st.campaign.id),
              std::string(CampaignKindName(st.campaign.kind)).c_str(),
              st.campaign.description.c_str());
  for (const auto& t : st.tasks)
    std::printf("  unit %u: %s, %u attempts%s%s\n", t.rsi,
                std::string(kmf::TaskStateName(t.state)).c_str(), t.attempts,
                t.detail.empty() ? "" : ", ", t.detail.c_str());
  return Ok();
}

// {"kid": "0x4983", "algid": "0x84", "fingerprint": ...}, as `client keys --json` prints them.
nlohmann::json KeyJson(const kmf::FingerprintedKey& k) {
  return {{"kid", fmt::format("0x{:04X}", k.ref.kid)},
          {"algid", fmt::format("0x{:02X}", k.ref.algid)},
          {"fingerprint", k.fingerprint}};
}

// The TEKs each unit should hold now (docs/kmf.md "Expected keys"); every organisation unless
// --org names one.
Status Expected(kmf::KmfEngine& e, const KmfArgs& a) {
  std::vector<std::string> orgs;
  if (!a.org.empty()) {
    orgs.push_back(a.org);
  } else {
    KB_TRY(auto all, e.ListOrganisations());
    for (const auto& o : all) orgs.push_back(o.id);
  }
  std::vector<kmf::UnitExpectation> units;
  for (const auto& org : orgs) {
    KB_TRY(auto list, e.Expected(org));
    for (auto& u : list) units.push_back(std::move(u));
  }
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& u : units) {
      nlohmann::json keys = nlohmann::json::array();
      for (const auto& k : u.keys) {
        nlohmann::json j = KeyJson(k);
        j["keyset"] = k.ref.keyset_id;
        j["sln"] = k.ref.sln;
        keys.push_back(std::move(j));
      }
      out.push_back({{"org", u.org},
                     {"rsi", u.rsi},
                     {"state", std::string(kmf::UnitStateName(u.state))},
                     {"root_key", KeyJson(u.root_key)},
                     {"keys", std::move(keys)}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return Ok();
  }
  std::printf("%-10s %8s  %-12s %-24s %s\n", "org", "RSI", "state", "root key (KID fp)",
              "TEKs it should hold (keyset/SLN KID ALGID fp)");
  for (const auto& u : units) {
    std::string root = fmt::format("0x{:04X} {}", u.root_key.ref.kid, u.root_key.fingerprint);
    std::printf("%-10s %8u  %-12s %-24s %s\n", u.org.c_str(), u.rsi,
                std::string(kmf::UnitStateName(u.state)).c_str(), root.c_str(),
                u.keys.empty() ? "-" : "");
    for (const auto& k : u.keys)
      std::printf("%59s%u/%u 0x%04X 0x%02X %s\n", "", k.ref.keyset_id, k.ref.sln, k.ref.kid,
                  k.ref.algid, k.fingerprint.c_str());
  }
  if (units.empty()) std::printf("no units\n");
  return Ok();
}

Status Zeroize(kmf::KmfEngine& e, const KmfArgs& a) {
  KB_TRY(uint32_t r, ParseNumber(a.rsi, "--rsi", kmf::kMaxRsi));
  KB_TRY(int64_t id, e.Zeroize(a.org, r, Now()));
  std::printf("campaign %lld (zeroize unit %u) queued\n", static_cast<long long>(id), r);
  return Ok();
}

Status FormTemporary(kmf::KmfEngine& e, const KmfArgs& a) {
  std::optional<uint16_t> sln, kid;
  if (!a.sln.empty()) {
    KB_TRY(uint32_t v, ParseNumber(a.sln, "--sln", 0xFFFF));
    sln = static_cast<uint16_t>(v);
  }
  if (!a.kid.empty()) {
    KB_TRY(uint32_t v, ParseNumber(a.kid, "--kid", 0xFFFF));
    kid = static_cast<uint16_t>(v);
  }
  KB_TRY(uint32_t alg, ParseNumber(a.algid, "--algid", 0xFF));
  KB_TRY(int64_t id, e.FormTemporaryGroup(a.org, a.name, a.from_groups, sln, kid,
                                          static_cast<uint8_t>(alg), Now()));
  std::printf("campaign %lld (rekey group %s) queued\n", static_cast<long long>(id),
              a.name.c_str());
  return Ok();
}

Status Dissolve(kmf::KmfEngine& e, const KmfArgs& a) {
  KB_TRY(int64_t id, e.DissolveTemporaryGroup(a.org, a.name, Now()));
  std::printf("campaign %lld (dissolve group %s) queued\n", static_cast<long long>(id),
              a.name.c_str());
  return Ok();
}

// The UKEKs of the organisation's units that the IWF node's rsi_map maps to MC users, as the
// key file of `iwf distribute-root-keys --key-file` (docs/kmf.md "Root key export").
Status ExportRootKeysCmd(kmf::KmfEngine& e, const KmfArgs& a) {
  if (a.config.empty())
    return Fail(Error::InvalidArgument("export-root-keys needs --config FILE (the IWF's rsi_map)"));
  YAML::Node root;
  try {
    root = YAML::LoadFile(a.config);
  } catch (const YAML::Exception& ex) {
    return Fail(Error::InvalidArgument(fmt::format("{}: {}", a.config, ex.what())));
  }
  RoleContext ctx;
  ctx.role = "iwf";
  ctx.node = a.iwf_node;
  ctx.root = root;
  ctx.config = root["nodes"][a.iwf_node];
  if (!ctx.config)
    return Fail(Error::NotFound(fmt::format("{}: no section nodes.{}", a.config, a.iwf_node)));
  KB_TRY(iwf::RsiMap map, ReadRsiMap(ctx));
  KB_TRY(uint32_t serial, ParseNumber(a.serial, "--serial", 0xFFFFFFFF));
  KB_TRY(auto exported, kmf_service::ExportRootKeys(e, a.org, map, serial));
  KB_CHECK(kms::WriteFileAtomic(a.out, exported.text.Reveal(), 0600));
  for (const auto& s : exported.skipped) std::fprintf(stderr, "skipped %s\n", s.c_str());
  std::printf("%zu root keys of %s exported to %s (rotation serial %u; %zu units skipped)\n",
              exported.exported, a.org.c_str(), a.out.c_str(), serial, exported.skipped.size());
  return Ok();
}

}  // namespace

void RegisterKmfCommands(CLI::App& app) {
  auto* kmf = app.add_subcommand("kmf", "P25 KMF: key database and OTAR campaigns");
  kmf->require_subcommand(1);
  auto args = std::make_shared<KmfArgs>();
  auto state = [&](CLI::App* c) {
    c->add_option("--state", args->state, "KMF state directory");
    c->add_option("--config", args->config, "or: the configuration of a running kmf node")
        ->check(CLI::ExistingFile);
    c->add_option("--node", args->node, "with --config: the node's name (default kmf)");
  };
  auto org = [&](CLI::App* c) {
    state(c);
    c->add_option("--org", args->org, "acting organisation")->required();
  };

  auto* init = kmf->add_subcommand("init", "create a KMF state directory");
  state(init);
  init->callback([args] {
    if (auto r = Init(*args); !r) ExitCode() = Report(r.error());
  });

  auto* add_org = kmf->add_subcommand("add-org", "add an organisation");
  org(add_org);
  add_org->add_option("--name", args->name, "display name");
  add_org->callback([args] {
    WithEngine(*args, [&](kmf::KmfEngine& e) -> Status {
      KB_CHECK(e.AddOrganisation({args->org, args->name.empty() ? args->org : args->name}));
      std::printf("organisation %s added\n", args->org.c_str());
      return Ok();
    });
  });

  auto* add_unit = kmf->add_subcommand("add-unit", "provision a radio (UKEK, MAC key)");
  org(add_unit);
  add_unit->add_option("--rsi", args->rsi, "the unit's RSI")->required();
  add_unit->add_option("--ukek", args->ukek_hex, "UKEK, 64 hex digits");
  add_unit->add_flag("--generate", args->generate, "generate the UKEK");
  add_unit->add_option("--ukek-out", args->ukek_out, "with --generate: write the UKEK here (0600)");
  add_unit->add_option("--ukek-kid", args->ukek_kid, "UKEK key ID");
  add_unit->add_option("--mac-key", args->mac_hex, "separate MAC key (default: the UKEK)");
  add_unit->add_option("--mac-kid", args->mac_kid, "MAC key ID");
  add_unit->add_option("--mac", args->mac_format, "MAC format: cmac (default) or cbc");
  add_unit->add_option("--kmf-rsi", args->kmf_rsi, "the KMF RSI the unit knows");
  add_unit->add_option("--mnp", args->mnp, "message number period");
  add_unit->callback([args] { WithEngine(*args, [&](auto& e) { return AddUnit(e, *args); }); });

  auto* add_group = kmf->add_subcommand("add-group", "create or replace a (temporary) group");
  org(add_group);
  add_group->add_option("--name", args->name, "group name")->required();
  add_group->add_flag("--temporary", args->temporary, "a temporary group");
  add_group->add_option("--member", args->members, "member RSI (repeatable)");
  add_group->add_option("--sln", args->slns, "SLN of a key members must hold (repeatable)");
  add_group->callback([args] { WithEngine(*args, [&](auto& e) { return AddGroup(e, *args); }); });

  auto* add_key = kmf->add_subcommand("add-key", "store a TEK");
  org(add_key);
  add_key->add_option("--keyset", args->keyset, "keyset ID (1-254)");
  add_key->add_option("--sln", args->sln, "storage location number")->required();
  add_key->add_option("--kid", args->kid, "key ID")->required();
  add_key->add_option("--algid", args->algid, "ALGID (0x84 AES-256, 0x85 AES-128)");
  add_key->add_option("--key", args->key_hex, "key, hex");
  add_key->add_flag("--generate", args->generate, "generate the key");
  add_key->callback([args] { WithEngine(*args, [&](auto& e) { return AddKey(e, *args); }); });

  auto* rekey = kmf->add_subcommand("rekey", "start a rekey campaign");
  org(rekey);
  rekey->add_option("--unit", args->unit, "one unit's RSI");
  rekey->add_option("--group", args->group, "a group's members");
  rekey->add_flag("--all", args->all, "every unit of the organisation");
  rekey->callback([args] { WithEngine(*args, [&](auto& e) { return Rekey(e, *args); }); });

  auto* status = kmf->add_subcommand("status", "campaigns and per-unit status");
  org(status);
  status->add_option("--campaign", args->campaign, "one campaign's units");
  status->callback([args] { WithEngine(*args, [&](auto& e) { return ShowStatus(e, *args); }); });

  auto* zeroize = kmf->add_subcommand("zeroize", "zeroize a (lost) unit: Zeroize-Command campaign");
  org(zeroize);
  zeroize->add_option("--rsi", args->rsi, "the unit's RSI")->required();
  zeroize->callback([args] { WithEngine(*args, [&](auto& e) { return Zeroize(e, *args); }); });

  auto* form = kmf->add_subcommand(
      "form-temporary", "temporary group from groups' members, with a new TEK; rekey campaign");
  org(form);
  form->add_option("--name", args->name, "the temporary group's name")->required();
  form->add_option("--from-group", args->from_groups, "a group whose members join (repeatable)")
      ->required();
  form->add_option("--sln", args->sln, "SLN of the new TEK (default: above every SLN in use)");
  form->add_option("--kid", args->kid, "KID of the new TEK (default: above every KID in use)");
  form->add_option("--algid", args->algid, "ALGID (0x84 AES-256, 0x85 AES-128)");
  form->callback([args] { WithEngine(*args, [&](auto& e) { return FormTemporary(e, *args); }); });

  auto* dissolve = kmf->add_subcommand(
      "dissolve", "dissolve a temporary group: Delete-Key-Command campaign to its members");
  org(dissolve);
  dissolve->add_option("--name", args->name, "the temporary group's name")->required();
  dissolve->callback([args] { WithEngine(*args, [&](auto& e) { return Dissolve(e, *args); }); });

  auto* exp = kmf->add_subcommand("export-root-keys",
                                  "write the units' UKEKs as the IWF's root key file (mode 0600)");
  org(exp);
  exp->add_option("--iwf-node", args->iwf_node, "the IWF node whose rsi_map names the users");
  exp->add_option("--out", args->out, "the key file to write")->required();
  exp->add_option("--serial", args->serial,
                  "rotation serial of every line (default 1; raise it when UKEKs change)");
  exp->callback(
      [args] { WithEngine(*args, [&](auto& e) { return ExportRootKeysCmd(e, *args); }); });

  auto* expected =
      kmf->add_subcommand("expected", "the TEKs each unit should hold now (fingerprints only)");
  state(expected);
  expected->add_option("--org", args->org, "one organisation (default: every organisation)");
  expected->add_flag("--json", args->json, "JSON array, one object per unit");
  expected->callback([args] { WithEngine(*args, [&](auto& e) { return Expected(e, *args); }); });
}

}  // namespace kb::app
