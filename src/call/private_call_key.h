// TS 33.180 7.2, E.3 and 7.4.1 with TS 23.283 (seed requirement a): the private call key. When an
// LMR user calls an MC user, the IWF is the 3GPP security end point of the LMR side: it generates
// the PCK, sends it to the MC user in a PCK I_MESSAGE signed with the IWF's own identity, carried
// as a=key-mgmt:mikey in the INVITE's SDP. Both ends then derive the SRTP master keys of the two
// streams (CS-ID 0: the initiator's, CS-ID 1: the receiver's; E.1.3-1) from PCK, PCK-ID and RAND.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "call/call_offer.h"
#include "core/bytes.h"
#include "core/ntp_time.h"
#include "core/secret.h"
#include "mikey/i_message_builder.h"
#include "mikey/i_message_opener.h"
#include "srtp/key_derivation.h"

namespace kb::call {

inline constexpr uint8_t kCsIdPrivateInitiator = 0;  // MCPTT private call, initiator's stream
inline constexpr uint8_t kCsIdPrivateReceiver = 1;   // MCPTT private call, receiver's stream

// What the initiator keeps (and the receiver recovers): the PCK, its ID and the RAND.
struct PrivateCallKey {
  SecretBytes pck;
  uint32_t pck_id = 0;
  Bytes rand;
  uint8_t prf_func = 1;
  Bytes i_message;  // empty on the receiving side
};

// Generates a fresh 16-octet PCK and a PCK-ID (purpose tag 1, 28 random bits) and the PCK
// I_MESSAGE from `initiator` (the IWF, or any MC caller) to `responder`, signed with the
// initiator's ECCSI key, with a SAKKE-to-self copy (E.5: recommended when the PCK crosses systems).
// Errors from CreateIMessage (a signer of another key period: kExpired).
Result<PrivateCallKey> CreatePrivateCallKey(const mikey::Initiator& initiator,
                                            const mikey::Responder& responder, NtpTime now);

// The offer of an LMR user's private call to an MC user, as the IWF sends it: `media` (codecs,
// LMR encryption IEs, floor) plus the key.
void AttachPrivateCallKey(CallMedia& offer, const PrivateCallKey& key);

// The MC user's side: opens the offer's I_MESSAGE (key type PCK, addressed to `me`) and checks
// that it was signed by `expected_initiator` (the caller the signalling names, e.g. the IWF's URI
// for a call from an LMR user). Errors: kMalformed (no key-mgmt), the opener's errors, and
// kUnauthorised when the signer is someone else.
Result<PrivateCallKey> OpenPrivateCallKey(const CallMedia& offer, const mikey::ReceiverIdentity& me,
                                          const mikey::OpenOptions& options,
                                          std::string_view expected_initiator);

// TS 33.180 7.4.1: the SRTP master key and salt of one stream (cs_id 0 or 1).
srtp::MasterKeyMaterial PrivateCallMasterKey(const PrivateCallKey& key, uint8_t cs_id);

}  // namespace kb::call
