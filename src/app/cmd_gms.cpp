// keybridge gms ...: the group management server's store from the command line (TS 33.180 5.7 /
// 7.3, docs/gms.md): create-group, add-member, remove-member, form-temporary, dissolve, show.
// Every (re)key writes one base64 I_MESSAGE file per recipient; members open theirs with
// `keybridge mikey open --expect gmk`.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/gms_identity.h"
#include "app/output.h"
#include "core/encoding.h"
#include "gms/group_management_server.h"
#include "store/sqlite_gms_store.h"

namespace kb::app {
namespace {

namespace fs = std::filesystem;

struct GmsFlags {
  std::string store = "gms.sqlite", kms_cert, keys, from, iwf, group, out = ".", at;
  std::vector<std::string> members, groups;
  bool interworking = false, iwf_terminates = false;
};

// A file name for a recipient URI: "sip:alice@example.org" -> "alice@example.org".
std::string FileName(std::string_view uri) {
  std::string out(uri.starts_with("sip:") ? uri.substr(4) : uri);
  for (auto& c : out) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '.' || c == '-' ||
          c == '_')) {
      c = '_';
    }
  }
  return out;
}

nlohmann::json Describe(const gms::Group& g) {
  return {{"group", g.id},
          {"members", g.members},
          {"interworking", g.interworking},
          {"iwf_terminates", g.iwf_terminates},
          {"temporary", g.temporary},
          {"formed_from", g.formed_from},
          {"gmk_id", fmt::format("{:08x}", g.gmk_id)},
          {"revision", g.revision}};
}

Status WriteDeliveries(const GmsFlags& f, const gms::Rekeyed& r) {
  fs::path dir = fs::path(f.out) / FileName(r.group.id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Fail(Error::Io(fmt::format("cannot create {}: {}", dir.string(), ec.message())));
  nlohmann::json out = Describe(r.group);
  out["deliveries"] = nlohmann::json::array();
  for (const auto& d : r.deliveries) {
    fs::path file = dir / (FileName(d.recipient) + ".mikey");
    std::ofstream o(file, std::ios::trunc);
    o << ToBase64(d.i_message) << "\n";
    if (!o) return Fail(Error::Io(fmt::format("cannot write {}", file.string())));
    out["deliveries"].push_back({{"recipient", d.recipient},
                                 {"guk_id", fmt::format("{:08x}", d.guk_id)},
                                 {"file", file.string()}});
  }
  std::printf("%s\n", out.dump(2).c_str());
  return Ok();
}

enum class Op { kCreate, kAdd, kRemove, kFormTemporary, kDissolve, kShow };

Status Run(Op op, const GmsFlags& f) {
  NtpTime now = NtpTime::Now();
  if (!f.at.empty()) {
    KB_TRY(now, NtpTime::ParseIso8601(f.at));
  }
  KB_TRY(auto store, store::SqliteGmsStore::Open(f.store));
  if (op == Op::kShow) {
    KB_TRY(auto g, store->FindGroup(f.group));
    if (!g) return Fail(Error::NotFound("GMS: no group " + f.group));
    nlohmann::json out = Describe(*g);
    KB_TRY(auto deliveries, store->ListDeliveries(f.group));
    out["recipients"] = nlohmann::json::array();
    for (const auto& d : deliveries) out["recipients"].push_back(d.recipient);
    std::printf("%s\n", out.dump(2).c_str());
    return Ok();
  }
  std::unique_ptr<GmsIdentity> id;
  if (op != Op::kDissolve) {
    KB_TRY(id, LoadGmsIdentity(f.kms_cert, f.keys, f.from, now));
  }
  gms::GmsConfig config;
  if (id) id->Configure(config);
  config.iwf_uri = f.iwf;
  gms::GroupManagementServer gms(*store, std::move(config));
  Result<gms::Rekeyed> r = Fail(Error::Internal("unreachable"));
  switch (op) {
    case Op::kCreate:
      r = gms.CreateGroup(f.group, f.members, f.interworking, f.iwf_terminates, now);
      break;
    case Op::kAdd:
    case Op::kRemove: {
      if (f.members.size() != 1) return Fail(Error::InvalidArgument("give one --member"));
      r = op == Op::kAdd ? gms.AddMember(f.group, f.members[0], now)
                         : gms.RemoveMember(f.group, f.members[0], now);
      break;
    }
    case Op::kFormTemporary:
      r = gms.FormTemporary(f.group, f.groups, now);
      break;
    case Op::kDissolve: {
      KB_CHECK(gms.Dissolve(f.group));
      std::printf("%s\n", nlohmann::json{{"dissolved", f.group}}.dump(2).c_str());
      return Ok();
    }
    case Op::kShow:
      break;
  }
  if (!r) return Fail(r.error());
  return WriteDeliveries(f, *r);
}

}  // namespace

void RegisterGmsCommands(CLI::App& app) {
  auto* gms = app.add_subcommand(
      "gms", "group management server store: groups, members and GMK distribution (TS 33.180)");
  gms->require_subcommand(1);
  static GmsFlags f;
  auto common = [](CLI::App* c, bool identity) {
    c->add_option("--store", f.store, "the GMS SQLite store")->capture_default_str();
    c->add_option("--group", f.group, "the MC group ID")->required();
    if (!identity) return;
    c->add_option("--kms-cert", f.kms_cert, "the KMS certificate (KmsCertificate XML)")->required();
    c->add_option("--keys", f.keys, "the GMS's KmsKeySet or KmsResponse XML")->required();
    c->add_option("--from", f.from, "the GMS URI when the key file holds several users");
    c->add_option("--iwf", f.iwf, "the IWF's MC identity (gets the GMK of interworking groups)");
    c->add_option("--out", f.out, "directory for the I_MESSAGE files")->capture_default_str();
    c->add_option("--at", f.at, "ISO 8601 time for the T payload (default: now)");
  };
  auto* create = gms->add_subcommand("create-group", "create a group and distribute its GMK");
  common(create, true);
  create->add_option("--member", f.members, "member MC ID (repeatable)")->required();
  create->add_flag("--interworking", f.interworking, "the IWF receives the GMK");
  create->add_flag("--iwf-terminates", f.iwf_terminates,
                   "the IWF is the group's security gateway (status bit; implies --interworking)");
  create->callback([] { ExitCode() = Report(Run(Op::kCreate, f)); });
  auto* add = gms->add_subcommand("add-member", "add a member and rekey");
  common(add, true);
  add->add_option("--member", f.members, "the new member")->required();
  add->callback([] { ExitCode() = Report(Run(Op::kAdd, f)); });
  auto* remove = gms->add_subcommand("remove-member", "remove a member and rekey");
  common(remove, true);
  remove->add_option("--member", f.members, "the member to remove")->required();
  remove->callback([] { ExitCode() = Report(Run(Op::kRemove, f)); });
  auto* form =
      gms->add_subcommand("form-temporary", "form a temporary group from groups (own GMK)");
  common(form, true);
  form->add_option("--from-group", f.groups, "a constituent group (repeatable)")->required();
  form->callback([] { ExitCode() = Report(Run(Op::kFormTemporary, f)); });
  auto* dissolve = gms->add_subcommand("dissolve", "dissolve a temporary group");
  common(dissolve, false);
  dissolve->callback([] { ExitCode() = Report(Run(Op::kDissolve, f)); });
  auto* show = gms->add_subcommand("show", "print a group document and its recipients");
  common(show, false);
  show->callback([] { ExitCode() = Report(Run(Op::kShow, f)); });
}

}  // namespace kb::app
