// TS 33.180 Annex K.2 / L.5, MC -> LMR direction: what an MC client sends when it holds the
// floor of a group call. LMR-aware (E2EE) clients send P25 LDU payloads of Codec2 stand-in
// frames encrypted with the group's TEK, as the radio does (TIA-102.AAAD); other clients send
// AMR-WB 12.65 frames (RFC 4867) that the IWF's security gateway transcodes (docs/calls.md
// "Talking to the LMR side").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "client/key_fill_file.h"
#include "core/bytes.h"
#include "core/error.h"

namespace kb::app {

// The talker's audio at `rate` Hz (8000 or 16000): a WAV file (16-bit mono at 8 or 16 kHz,
// converted by 2 when needed) or, when wav is empty, a sine of tone_hz for seconds.
// kInvalidArgument without either, kUnsupported for a WAV at another rate.
Result<std::vector<int16_t>> TalkPcm(const std::string& wav, double tone_hz, double seconds,
                                     uint32_t rate);

// RTP payloads to send in order, one per `interval`, with the RTP timestamp advancing by
// timestamp_step each.
struct TalkPlan {
  std::vector<Bytes> payloads;
  uint32_t timestamp_step = 0;
  std::chrono::milliseconds interval{0};
  Bytes clear_frames;  // E2EE: the clear 11-octet codewords sent (for a bit-exact check)
};

// E2EE: 8 kHz PCM -> Codec2 stand-in frames (the last LDU padded with silence) -> LDUs
// encrypted with the TEK from a random first MI. Errors from the codec and the encryptor.
Result<TalkPlan> PlanE2eeTalk(const std::vector<int16_t>& pcm8k, const client::KeyFill& tek);
// AMR-WB: 16 kHz PCM -> one AMR-WB 12.65 frame per 20 ms (the last one padded with silence).
Result<TalkPlan> PlanAmrWbTalk(const std::vector<int16_t>& pcm16k);

}  // namespace kb::app
