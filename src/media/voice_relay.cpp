// TS 33.180 Annex K.2: the IWF relays LMR-encrypted voice between its LMR and MC legs.
#include "media/voice_relay.h"

#include <spdlog/spdlog.h>

namespace kb::media {

void VoiceRelay::Start() {
  lmr_.Start([this](const RtpFrame& f) { Forward(f, mc_, counters_.lmr_to_mc); });
  mc_.Start([this](const RtpFrame& f) { Forward(f, lmr_, counters_.mc_to_lmr); });
}

void VoiceRelay::Forward(const RtpFrame& frame, RtpSession& to, uint64_t& count) {
  if (auto s = to.Send(frame.payload, frame.header.timestamp, frame.header.marker); !s) {
    ++counters_.send_failures;
    spdlog::warn("relay -> {}: SSRC {:08x} SEQ {} not forwarded: {}", to.config().name,
                 frame.header.ssrc, frame.header.sequence_number, s.error().message());
    return;
  }
  ++count;
}

}  // namespace kb::media
