// TS 23.283 10.4.1.2 (IWF private call request): the Encryption mode (M: whether LMR end-to-end
// encryption is used) and Encryption Algorithm (O: the algorithm, or "carried in the media
// stream") information elements, written as SDP attributes of the LMR-codec audio stream. The
// TS 29.379 stage-3 coding is not public: the attribute form is keybridge's own (docs/calls.md),
// and so is the negotiation rule by which both ends agree on E2EE and the ALGID.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace kb::call {

// keybridge-defined attribute names (NOT 3GPP; docs/calls.md).
inline constexpr std::string_view kEncryptionModeAttribute = "kb-lmr-encryption-mode";
inline constexpr std::string_view kEncryptionAlgorithmAttribute = "kb-lmr-encryption-algorithm";

enum class EncryptionMode { kNone, kE2ee };

// The two IEs. algorithm_id: a TIA-102 ALGID (0x81 DES-OFB, 0x84 AES-256, 0xAA ADP ...);
// in_media: the algorithm is "carried in the media stream" (the ESYNC of each superframe). With
// neither, the Encryption Algorithm IE is absent.
struct LmrEncryption {
  EncryptionMode mode = EncryptionMode::kNone;
  std::optional<uint8_t> algorithm_id;
  bool in_media = false;
  friend bool operator==(const LmrEncryption&, const LmrEncryption&) = default;
};

// Attribute values: mode "e2ee" | "none"; algorithm "0x84" (two hex digits) | "in-media".
std::string EncryptionModeValue(EncryptionMode mode);
Result<EncryptionMode> ParseEncryptionMode(std::string_view value);
std::string EncryptionAlgorithmValue(const LmrEncryption& e);  // "" when the IE is absent
Status ParseEncryptionAlgorithm(std::string_view value, LmrEncryption& into);

// What an answerer (an MC client, or the IWF for its LMR side) accepts.
struct LmrEncryptionPolicy {
  bool allow_e2ee = true;
  bool require_e2ee = false;
  std::vector<uint8_t> algorithms = {0x84};  // supported ALGIDs, preferred first
  bool accept_in_media = true;
};

// The answerer's rule (docs/calls.md): the offer's mode is kept if the policy allows it (e2ee
// offered but not allowed, or none offered while e2ee is required: refused); with e2ee, an
// offered ALGID must be supported (else refused), "in-media" must be accepted, and an absent
// algorithm is filled with the first supported ALGID. The error (kUnsupported) is the reason of
// a SIP 488.
Result<LmrEncryption> NegotiateLmrEncryption(const LmrEncryption& offered,
                                             const LmrEncryptionPolicy& policy);

// The offerer's check of the answer: same mode; the same ALGID or in-media as offered, or, when
// the offer named none, an ALGID the offerer's policy supports. kUnsupported otherwise.
Status CheckLmrEncryptionAnswer(const LmrEncryption& offered, const LmrEncryption& answered,
                                const LmrEncryptionPolicy& policy);

}  // namespace kb::call
