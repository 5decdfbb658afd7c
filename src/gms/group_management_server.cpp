// TS 33.180 5.7 / 7.3 / E.2 / E.6 / F.1.3 and Annex L.5: GMK generation and distribution by the
// GMS, rekey on membership change, temporary groups.
#include "gms/group_management_server.h"

#include <algorithm>

#include "crypto/random.h"
#include "mikey/key_parameters.h"

namespace kb::gms {
namespace {

inline constexpr uint8_t kCsIdMcpttGroupCall = 4;  // E.1.3-1

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

uint32_t NewGmkId(uint32_t previous) {
  while (true) {
    Bytes r = crypto::RandomBytes(4);
    uint32_t id = (static_cast<uint32_t>(r[0]) << 24 | r[1] << 16 | r[2] << 8 | r[3]) & 0x0fffffffu;
    // purpose tag 0 (GMK) in the top nibble; never 0 and never the previous ID
    if (id != 0 && id != previous) return id;
  }
}

}  // namespace

GroupManagementServer::GroupManagementServer(GmsStore& store, GmsConfig config)
    : store_(store), config_(std::move(config)) {}

std::vector<std::string> GroupManagementServer::Recipients(const Group& group) const {
  std::vector<std::string> out = group.members;
  if (group.interworking && !config_.iwf_uri.empty()) out.push_back(config_.iwf_uri);
  SortUnique(out);
  return out;
}

Result<Group> GroupManagementServer::Load(std::string_view id) {
  KB_TRY(auto found, store_.FindGroup(id));
  if (!found) return Fail(Error::NotFound("GMS: no group " + std::string(id)));
  return std::move(*found);
}

Result<Rekeyed> GroupManagementServer::IssueGmk(Group group, NtpTime now) {
  if (config_.identity.signer == nullptr || config_.identity.kms == nullptr || !config_.lookup) {
    return Fail(Error::InvalidArgument("GMS: identity, signer, KMS and lookup are required"));
  }
  mikey::DistributedKey key{crypto::PurposeTag::kGmk, NewGmkId(group.gmk_id),
                            crypto::RandomSecret(16)};
  mikey::KeyParameters params;
  params.key_type = static_cast<uint8_t>(crypto::PurposeTag::kGmk);
  params.status = mikey::kKeyStatusNotRevoked |
                  (group.iwf_terminates ? mikey::kKeyStatusSharedWithSecurityGateway : 0u);
  params.activation_time = now.seconds();
  if (config_.key_lifetime_seconds) {
    params.expiry_time = now.seconds() + config_.key_lifetime_seconds;
  }
  params.group_ids.push_back(mikey::McGroupId{mikey::kMcGroupIdIei, group.id});
  mikey::CreateOptions options;
  options.now = now;
  options.key_parameters = params;
  options.cs_id = kCsIdMcpttGroupCall;
  // One RAND for every copy of this GMK: the SRTP master key of a member's stream is derived
  // from (GMK, GUK-ID, RAND), and the other members must derive it too (docs/calls.md).
  options.rand = crypto::RandomBytes(16);
  group.gmk_id = key.key_id;
  group.revision += 1;
  Rekeyed out;
  for (const auto& recipient : Recipients(group)) {
    KB_TRY(auto responder, config_.lookup(recipient));
    KB_TRY(auto created, mikey::CreateIMessage(config_.identity, responder, key, options));
    out.deliveries.push_back(KeyDelivery{group.id, recipient, key.key_id, created.csb_id,
                                         group.revision, std::move(created.message)});
  }
  Status stored = store_.Transaction([&]() -> Status {
    KB_CHECK(store_.PutGroup(group));
    return store_.ReplaceDeliveries(group.id, out.deliveries);
  });
  if (!stored) return Fail(stored.error());
  out.group = std::move(group);
  return out;
}

Result<Rekeyed> GroupManagementServer::CreateGroup(std::string id, std::vector<std::string> members,
                                                   bool interworking, bool iwf_terminates,
                                                   NtpTime now) {
  if (id.empty()) return Fail(Error::InvalidArgument("GMS: empty group ID"));
  SortUnique(members);
  if (members.empty()) return Fail(Error::InvalidArgument("GMS: group " + id + " has no members"));
  KB_TRY(auto existing, store_.FindGroup(id));
  if (existing) return Fail(Error::Conflict("GMS: group " + id + " exists"));
  Group g;
  g.id = std::move(id);
  g.members = std::move(members);
  g.interworking = interworking || iwf_terminates;
  g.iwf_terminates = iwf_terminates;
  return IssueGmk(std::move(g), now);
}

Result<Rekeyed> GroupManagementServer::AddMember(std::string_view id, std::string member,
                                                 NtpTime now) {
  KB_TRY(auto g, Load(id));
  if (std::find(g.members.begin(), g.members.end(), member) != g.members.end()) {
    return Fail(Error::Conflict("GMS: " + member + " is already a member of " + g.id));
  }
  g.members.push_back(std::move(member));
  SortUnique(g.members);
  return IssueGmk(std::move(g), now);
}

Result<Rekeyed> GroupManagementServer::RemoveMember(std::string_view id, std::string_view member,
                                                    NtpTime now) {
  KB_TRY(auto g, Load(id));
  auto it = std::find(g.members.begin(), g.members.end(), member);
  if (it == g.members.end()) {
    return Fail(Error::Conflict("GMS: " + std::string(member) + " is not a member of " + g.id));
  }
  g.members.erase(it);
  if (g.members.empty()) {
    return Fail(Error::InvalidArgument("GMS: removing the last member; dissolve the group"));
  }
  return IssueGmk(std::move(g), now);
}

Result<Rekeyed> GroupManagementServer::Rekey(std::string_view id, NtpTime now) {
  KB_TRY(auto g, Load(id));
  return IssueGmk(std::move(g), now);
}

Result<Rekeyed> GroupManagementServer::FormTemporary(std::string id,
                                                     const std::vector<std::string>& groups,
                                                     NtpTime now) {
  if (groups.empty()) return Fail(Error::InvalidArgument("GMS: a temporary group needs groups"));
  KB_TRY(auto existing, store_.FindGroup(id));
  if (existing) return Fail(Error::Conflict("GMS: group " + id + " exists"));
  Group t;
  t.id = std::move(id);
  t.temporary = true;
  for (const auto& gid : groups) {
    KB_TRY(auto g, Load(gid));
    t.members.insert(t.members.end(), g.members.begin(), g.members.end());
    t.interworking = t.interworking || g.interworking;
    t.iwf_terminates = t.iwf_terminates || g.iwf_terminates;
    t.formed_from.push_back(g.id);
  }
  SortUnique(t.members);
  SortUnique(t.formed_from);
  return IssueGmk(std::move(t), now);
}

Status GroupManagementServer::Dissolve(std::string_view id) {
  KB_TRY(auto g, Load(id));
  if (!g.temporary) {
    return Fail(Error::InvalidArgument("GMS: " + g.id + " is not a temporary group"));
  }
  return store_.DeleteGroup(id);
}

}  // namespace kb::gms
