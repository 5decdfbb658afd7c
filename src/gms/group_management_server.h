// TS 33.180 5.7 / 7.3 (GMK distribution by the GMS, E.2, E.6, F.1.3) with TS 23.283 and TS
// 33.180 Annex L.5: the GMS engine. Each (re)key draws a fresh 16-octet GMK and GMK-ID and sends
// it to every member and, for interworking groups, to the IWF, as one MIKEY-SAKKE I_MESSAGE per
// recipient (GUK-ID end-point diversity in the CSB-ID; key parameters with the MC group ID and,
// when the IWF terminates the group as security gateway, the status bit "shared with security
// gateway"). Membership changes rekey; temporary groups are formed from groups with their own GMK
// and dissolved. Deliveries go to the store (the group document's key part); the role sends them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ntp_time.h"
#include "gms/gms_store.h"
#include "mikey/i_message_builder.h"

namespace kb::gms {

// The KMS (community) of a recipient's MC ID, to encapsulate to its UID; kNotFound when unknown.
using ResponderLookup = std::function<Result<mikey::Responder>(std::string_view uri)>;

struct GmsConfig {
  mikey::Initiator identity;  // the GMS URI, its KMS and ECCSI signer
  std::string iwf_uri;        // the IWF's MC identity ("" when there is none)
  ResponderLookup lookup;
  uint64_t key_lifetime_seconds = 0;  // expiry = activation + lifetime (0: no expiry)
};

// What one (re)key produced: the group as stored and its deliveries.
struct Rekeyed {
  Group group;
  std::vector<KeyDelivery> deliveries;
};

class GroupManagementServer {
 public:
  GroupManagementServer(GmsStore& store, GmsConfig config);

  // A new group with its first GMK. kConflict when it exists; kInvalidArgument for an empty ID
  // or no members.
  Result<Rekeyed> CreateGroup(std::string id, std::vector<std::string> members, bool interworking,
                              bool iwf_terminates, NtpTime now);
  // Membership changes: the group is rekeyed (the removed member's copy is dropped and the new
  // GMK never reaches it). kNotFound / kConflict (already a member, not a member).
  Result<Rekeyed> AddMember(std::string_view id, std::string member, NtpTime now);
  Result<Rekeyed> RemoveMember(std::string_view id, std::string_view member, NtpTime now);
  Result<Rekeyed> Rekey(std::string_view id, NtpTime now);
  // A temporary group (requirement c): the union of the members of `groups`, interworking and
  // IWF-terminated when any constituent is, with its own GMK. kNotFound for an unknown group.
  Result<Rekeyed> FormTemporary(std::string id, const std::vector<std::string>& groups,
                                NtpTime now);
  // Dissolves a temporary group (its deliveries go). kInvalidArgument for a permanent group.
  Status Dissolve(std::string_view id);

  // Recipients of a group's GMK: the members, plus the IWF for an interworking group.
  std::vector<std::string> Recipients(const Group& group) const;

 private:
  Result<Rekeyed> IssueGmk(Group group, NtpTime now);
  Result<Group> Load(std::string_view id);

  GmsStore& store_;
  GmsConfig config_;
};

}  // namespace kb::gms
