// RFC 3264 offer/answer for MC calls (TS 24.379 private and group calls, TS 23.283 10.4.1.2 IWF
// private call request): one RTP/SAVP audio stream offering the MC codec (AMR-WB, RFC 4867) and
// the LMR codec (P25 IMBE, keybridge payload name "P25-IMBE"), the LMR encryption IEs
// (lmr_encryption.h), the PCK as a=key-mgmt:mikey (RFC 4567) for private calls, and the MCPTT
// floor control stream (m=application <port> udp MCPTT).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "call/lmr_encryption.h"
#include "call/sdp.h"
#include "core/bytes.h"
#include "core/error.h"

namespace kb::call {

enum class Codec { kAmrWb, kP25Imbe };

// RTP payload type, encoding name and clock rate as offered by keybridge (dynamic types).
struct CodecInfo {
  Codec codec;
  uint8_t payload_type;
  std::string_view encoding;  // the rtpmap encoding name
  uint32_t clock_rate;
  std::string_view fmtp;  // "" for none
};
const CodecInfo& InfoOf(Codec c);

enum class CallType { kPrivate, kGroup };

// The MCPTT floor control stream (TS 24.379: m=application <port> udp MCPTT, a=fmtp:MCPTT ...).
struct FloorControlOffer {
  uint16_t port = 0;
  uint8_t priority = 0;  // mc_priority (0-255)
  bool queueing = false;
  friend bool operator==(const FloorControlOffer&, const FloorControlOffer&) = default;
};

// One side's media parameters: an offer (several codecs) or an answer (one codec).
struct CallMedia {
  std::string address = "127.0.0.1";
  uint16_t audio_port = 0;
  std::vector<Codec> codecs;                    // preference order
  std::optional<LmrEncryption> lmr_encryption;  // present whenever the LMR codec is offered
  std::optional<Bytes> mikey;                   // the PCK I_MESSAGE (private call offers)
  std::optional<FloorControlOffer> floor;       // "use floor control" indication
  friend bool operator==(const CallMedia&, const CallMedia&) = default;
};

// The SDP body for our side. session_id also serves as the version.
SessionDescription BuildSdp(const CallMedia& media, uint64_t session_id);

// Reads an offer or answer. Errors (kMalformed, the reason of a 400 or 488): no RTP/SAVP audio
// stream, an rtpmap that does not parse, no codec keybridge knows, the LMR codec without the
// Encryption mode attribute (TS 23.283: mandatory), a bad key-mgmt attribute.
Result<CallMedia> ReadSdp(const SessionDescription& sdp);

// What the answerer supports.
struct AnswerPolicy {
  std::string address = "127.0.0.1";
  uint16_t audio_port = 0;
  std::vector<Codec> codecs = {Codec::kP25Imbe, Codec::kAmrWb};  // preference order
  LmrEncryptionPolicy lmr;
  std::optional<uint16_t> floor_port;  // our floor control port when the offer asks for it
};

// RFC 3264 6: the answer to an offer. Rules (docs/calls.md): a private call offer must carry
// a=key-mgmt:mikey; LMR encryption is negotiated by NegotiateLmrEncryption; LMR E2EE needs the
// LMR codec end to end, so with E2EE agreed the answer's codec is P25 IMBE; otherwise the first
// codec of the policy that the offer lists. Errors are kUnsupported (SIP 488 with the message as
// reason) or kMalformed (400).
Result<CallMedia> AnswerOffer(const CallMedia& offer, CallType type, const AnswerPolicy& policy);

// The offerer's check of an answer: exactly one codec, one it offered; LMR encryption per
// CheckLmrEncryptionAnswer; a floor port when it asked for floor control.
Status CheckAnswer(const CallMedia& offer, const CallMedia& answer,
                   const LmrEncryptionPolicy& policy);

// The SIP status for an offer/answer error: 400 for kMalformed/kTruncated, else 488.
int SipStatusFor(const Error& e);
// "Not Acceptable Here: <message>" / "Bad Request: <message>".
std::string SipReasonFor(const Error& e);

}  // namespace kb::call
