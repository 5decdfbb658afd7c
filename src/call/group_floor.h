// TS 24.380 6.3 (floor control server, reduced): one group's floor at the IWF, arbitrated
// between the MC clients of the group call and the LMR side (the radio). One talker at a time:
// LMR voice on an idle floor takes it for the LMR side (Floor Taken to every client) until the
// LMR leg falls silent (Floor Idle); a client's Floor Request is Granted when idle and Denied
// (cause 1) while another party (the radio included) talks; Release by the holder makes it Idle
// for all. No queue, priorities or pre-emption (docs/calls.md "Floor control in group calls").
#pragma once

#include <string>
#include <vector>

#include "call/floor_control.h"

namespace kb::call {

// A floor message for one participant.
struct FloorSend {
  std::string to;  // the participant's MC ID
  FloorMessage message;
};

// Pure state machine: no sockets, no clocks (the caller times the LMR leg's silence). Not
// thread-safe.
class GroupFloor {
 public:
  // lmr_party: how Floor Taken names the LMR side (e.g. "lmr:sip:fire@example.org").
  GroupFloor(uint32_t controller_ssrc, std::string lmr_party, uint16_t grant_seconds = 30);

  // A client joins / leaves the call. Joining while someone talks sends it Floor Taken; the
  // holder leaving frees the floor (Floor Idle to the others).
  std::vector<FloorSend> Join(const std::string& participant);
  std::vector<FloorSend> Leave(const std::string& participant);

  // A floor message received from a participant (its MC ID from the signalling, not from the
  // message). Request: Granted to it and Taken to the others, or Deny. Release by the holder:
  // Idle to all. Anything else (or a Release by a non-holder) is ignored.
  std::vector<FloorSend> OnMessage(const std::string& participant, const FloorMessage& in);

  // LMR voice arrived: on an idle floor the LMR side takes it (Taken to all). Returns nothing
  // when the floor is already held (by the LMR side or a client).
  std::vector<FloorSend> OnLmrVoice();
  // The LMR leg fell silent (the caller's hang timer): Idle to all when the LMR side held it.
  std::vector<FloorSend> OnLmrSilence();

  // Whether participant's media may go to the LMR side now (it holds the floor).
  bool MayTalk(const std::string& participant) const;
  bool LmrHolds() const;
  std::optional<std::string> holder() const { return arbitrator_.holder(); }
  const std::string& lmr_party() const { return lmr_party_; }

 private:
  FloorMessage Taken(const std::string& party) const;
  FloorMessage Idle() const;
  std::vector<FloorSend> ToAll(const FloorMessage& m, const std::string& except = "") const;

  uint32_t ssrc_;
  std::string lmr_party_;
  FloorArbitrator arbitrator_;
  std::vector<std::string> participants_;
};

}  // namespace kb::call
