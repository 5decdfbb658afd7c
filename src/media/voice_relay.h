// TS 33.180 Annex K.2 (LMR end-to-end encryption below the 3GPP layer): the IWF's media relay
// for an LMR-encrypted group. It moves RTP payloads between the LMR leg and the MC leg,
// removing one leg's SRTP and applying the other's; the payloads (LMR-encrypted voice) pass
// unchanged. It holds no LMR key: there is no way to give it one.
#pragma once

#include <cstdint>

#include "media/rtp_session.h"

namespace kb::media {

struct RelayCounters {
  uint64_t lmr_to_mc = 0;
  uint64_t mc_to_lmr = 0;
  uint64_t send_failures = 0;
};

// Forwards every packet received on one leg to the other, keeping the RTP timestamp and
// marker of the source (the sending leg writes its own SSRC and SEQ). Both sessions must
// outlive the relay and be open with their remotes set. Runs on the io_context thread.
class VoiceRelay {
 public:
  VoiceRelay(RtpSession& lmr_leg, RtpSession& mc_leg) : lmr_(lmr_leg), mc_(mc_leg) {}
  // Starts receiving on both legs.
  void Start();
  // One packet each way, for a caller that owns the legs' receive loops (e.g. an LMR leg shared
  // by several MC legs of one group: the caller hands each LMR packet to every relay).
  void ForwardLmrToMc(const RtpFrame& frame) { Forward(frame, mc_, counters_.lmr_to_mc); }
  void ForwardMcToLmr(const RtpFrame& frame) { Forward(frame, lmr_, counters_.mc_to_lmr); }
  const RelayCounters& counters() const { return counters_; }

 private:
  void Forward(const RtpFrame& frame, RtpSession& to, uint64_t& count);

  RtpSession& lmr_;
  RtpSession& mc_;
  RelayCounters counters_;
};

}  // namespace kb::media
