// TS 24.380 6.3 (reduced): one group's floor between MC clients and the LMR side.
#include "call/group_floor.h"

#include <algorithm>

namespace kb::call {

GroupFloor::GroupFloor(uint32_t controller_ssrc, std::string lmr_party, uint16_t grant_seconds)
    : ssrc_(controller_ssrc),
      lmr_party_(std::move(lmr_party)),
      arbitrator_(controller_ssrc, grant_seconds) {}

FloorMessage GroupFloor::Taken(const std::string& party) const {
  FloorMessage m;
  m.type = FloorMessageType::kTaken;
  m.ssrc = ssrc_;
  m.granted_party_identity = party;
  return m;
}

FloorMessage GroupFloor::Idle() const {
  FloorMessage m;
  m.type = FloorMessageType::kIdle;
  m.ssrc = ssrc_;
  return m;
}

std::vector<FloorSend> GroupFloor::ToAll(const FloorMessage& m, const std::string& except) const {
  std::vector<FloorSend> out;
  for (const auto& p : participants_) {
    if (p != except) out.push_back({p, m});
  }
  return out;
}

std::vector<FloorSend> GroupFloor::Join(const std::string& participant) {
  if (std::find(participants_.begin(), participants_.end(), participant) == participants_.end()) {
    participants_.push_back(participant);
  }
  auto h = arbitrator_.holder();
  if (h && *h != participant) return {{participant, Taken(*h)}};
  return {};
}

std::vector<FloorSend> GroupFloor::Leave(const std::string& participant) {
  std::erase(participants_, participant);
  auto h = arbitrator_.holder();
  if (!h || *h != participant) return {};
  FloorMessage release;
  release.type = FloorMessageType::kRelease;
  release.user_id = participant;
  (void)arbitrator_.Handle(release);
  return ToAll(Idle());
}

std::vector<FloorSend> GroupFloor::OnMessage(const std::string& participant,
                                             const FloorMessage& in) {
  if (participant == lmr_party_) return {};  // the LMR side is not a client
  FloorMessage m = in;
  m.user_id = participant;  // the signalling's identity, not what the packet claims
  switch (in.type) {
    case FloorMessageType::kRequest: {
      auto reply = arbitrator_.Handle(m);
      if (!reply) return {};
      std::vector<FloorSend> out{{participant, *reply}};
      if (reply->type == FloorMessageType::kGranted) {
        auto taken = ToAll(Taken(participant), participant);
        out.insert(out.end(), taken.begin(), taken.end());
      }
      return out;
    }
    case FloorMessageType::kRelease:
      if (!arbitrator_.Handle(m)) return {};
      return ToAll(Idle());
    default:
      return {};
  }
}

std::vector<FloorSend> GroupFloor::OnLmrVoice() {
  if (arbitrator_.holder()) return {};
  FloorMessage request;
  request.type = FloorMessageType::kRequest;
  request.user_id = lmr_party_;
  (void)arbitrator_.Handle(request);
  return ToAll(Taken(lmr_party_));
}

std::vector<FloorSend> GroupFloor::OnLmrSilence() {
  if (!LmrHolds()) return {};
  FloorMessage release;
  release.type = FloorMessageType::kRelease;
  release.user_id = lmr_party_;
  (void)arbitrator_.Handle(release);
  return ToAll(Idle());
}

bool GroupFloor::MayTalk(const std::string& participant) const {
  auto h = arbitrator_.holder();
  return h && *h == participant && participant != lmr_party_;
}

bool GroupFloor::LmrHolds() const {
  auto h = arbitrator_.holder();
  return h && *h == lmr_party_;
}

}  // namespace kb::call
