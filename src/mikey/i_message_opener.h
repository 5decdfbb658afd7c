// TS 33.180 5.2, E.1-E.7 / RFC 6507, 6508, 6509 / RFC 3830 5.4: opening a MIKEY-SAKKE I_MESSAGE
// with every receiver check (reference mc-security.md section 9).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ntp_time.h"
#include "core/secret.h"
#include "crypto/mc_identity.h"
#include "mikey/community.h"
#include "mikey/i_message.h"
#include "mikey/key_parameters.h"
#include "mikey/replay_cache.h"

namespace kb::crypto::sakke {
class Receiver;
}

namespace kb::mikey {

// One key period's SAKKE receiver key (the RSK for the UID of that period, validated when the
// Receiver was created).
struct ReceiverPeriodKey {
  uint64_t key_period_number = 0;
  const crypto::sakke::Receiver* receiver = nullptr;
};

// Who opens: the MC ID, its KMS, and its RSKs for one or more key periods.
struct ReceiverIdentity {
  std::string uri;
  const KmsPublicKeys* kms = nullptr;
  std::vector<ReceiverPeriodKey> keys;
};

enum class OpenAs {
  kResponder,  // the addressee: IDRr/IDRuidr is me, SAKKE payload
  kInitiator,  // the sender reading its own SAKKE-to-self copy (General Extension type 6)
};

struct OpenOptions {
  NtpTime now;
  // How far T may lie from now, either way (RFC 3830 5.4; local policy).
  uint64_t max_skew_seconds = 300;
  // The KMSs whose users may send to us (IDRkmsi); the receiver's own KMS is always trusted.
  std::vector<const KmsPublicKeys*> trusted_kms;
  // Required when set: the key type the caller expects (purpose tag of the CSB-ID).
  std::optional<crypto::PurposeTag> expected_key_type;
  // Replay protection; its window must cover the skew. Null disables it (tests only).
  ReplayCache* replay_cache = nullptr;
  OpenAs open_as = OpenAs::kResponder;
  // Accept PRF func 0 (MIKEY-1) from legacy peers.
  bool accept_mikey1_prf = false;
  // With identity hiding: the initiator URI learnt from protected metadata (E.7); its UID must
  // equal IDRuidi.
  std::optional<std::string> expected_initiator_uri;
};

// What an opened message yields.
struct OpenedIMessage {
  crypto::PurposeTag key_type = crypto::PurposeTag::kGmk;
  SecretBytes key;       // the SSV: GMK, PCK or CSK (16 octets)
  uint32_t key_id = 0;   // GMK-ID, PCK-ID or CSK-ID
  uint32_t csb_id = 0;   // GUK-ID for a GMK
  uint8_t prf_func = 1;  // for the SRTP key derivation
  Bytes rand;
  NtpTime timestamp;
  uint64_t key_period_number = 0;  // the responder's period selected by T
  std::string initiator_uri;       // empty with identity hiding unless expected_initiator_uri
  crypto::Uid initiator_uid{};
  std::string responder_uri;  // empty with identity hiding (unless we are the responder)
  crypto::Uid responder_uid{};
  std::optional<KeyParameters> key_parameters;
  CsIdMapType map_type = CsIdMapType::kEmpty;
  std::vector<GenericIdEntry> cs;
  std::optional<SecurityPolicyPayload> security_policy;
};

// Decodes and checks an I_MESSAGE and extracts its key. Errors (each with its own message):
// kMalformed/kTruncated for the codec and profile rules, kUnsupported for another version,
// data type, V, PRF, TS type, S type or SAKKE parameters, kExpired for T outside the skew, for a
// key period without an RSK and for the key parameters' window, kWrongRecipient when IDRr is not
// us, kUnauthorised for an untrusted KMS, a revoked key or a wrong identity-hiding initiator,
// kReplay for a message seen before, kCryptoFailure for the signature, SAKKE and the key
// parameters' tag.
Result<OpenedIMessage> OpenIMessage(ByteView message, const ReceiverIdentity& me,
                                    const OpenOptions& options);

}  // namespace kb::mikey
