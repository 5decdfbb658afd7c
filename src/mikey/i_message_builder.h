// TS 33.180 E.2, E.3, E.4 (with E.5, E.6, E.7): creating MIKEY-SAKKE I_MESSAGEs that carry a
// GMK, PCK or CSK: SAKKE to the responder's UID, ECCSI signature by the initiator's UID.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/ntp_time.h"
#include "core/secret.h"
#include "crypto/mc_identity.h"
#include "mikey/community.h"
#include "mikey/i_message.h"
#include "mikey/key_parameters.h"
#include "mikey/lmr_root_key_extension.h"

namespace kb::crypto::eccsi {
class Signer;
}

namespace kb::mikey {

// The initiator: its URI (the GMS identity for a GMK, the caller's MC ID for a PCK), its KMS,
// and its ECCSI signer, created for its UID in key period key_period_number.
struct Initiator {
  std::string uri;
  const KmsPublicKeys* kms = nullptr;
  const crypto::eccsi::Signer* signer = nullptr;
  uint64_t key_period_number = 0;
};

// The responder: its MC ID (URI) and its KMS.
struct Responder {
  std::string uri;
  const KmsPublicKeys* kms = nullptr;
};

// The key to distribute: GMK (tag 0), PCK (tag 1) or CSK (tag 2); 16 octets; key_id carries the
// purpose tag in its top nibble. The keybridge extension kLmrRootKeyType (tag 15) is accepted
// only together with CreateOptions::lmr_root_key (see lmr_root_key_message.h).
struct DistributedKey {
  crypto::PurposeTag type = crypto::PurposeTag::kGmk;
  uint32_t key_id = 0;
  SecretBytes key;
};

struct CreateOptions {
  NtpTime now;                   // the T payload; it also selects the key periods
  bool identity_hiding = false;  // IDRuidi/IDRuidr (roles 8, 9) instead of IDRi/IDRr (E.7)
  bool sakke_to_self = false;    // General Extension type 6 to the initiator's UID (E.5)
  std::optional<KeyParameters> key_parameters;  // General Extension type 7 (E.6)
  bool include_security_policy = true;
  // The SP; when absent, Table E.2-1 for a GMK and the E.3 subset for a PCK or CSK.
  std::optional<SecurityPolicyPayload> security_policy;
  std::optional<uint8_t> cs_id;  // GMK: 4 (MCPTT group call); CSK: 6 (CSK, MCPTT)
  Bytes rand;                    // empty: 16 random octets
  Bytes key_parameters_iv;       // empty: 16 random octets
  // keybridge extension, NOT TS 33.180 (docs/lmr-root-key.md): with key.type ==
  // kLmrRootKeyType, the LMR root key wrapped into General Extension 0xF1 under a KEK derived
  // from key.key (the SSV). root_key must outlive the call.
  struct LmrRootKey {
    RootKeyInfo info;
    const SecretBytes* root_key = nullptr;
  };
  std::optional<LmrRootKey> lmr_root_key;
};

// The message and what a sender keeps for SRTP key derivation (section 8 of the reference).
struct CreatedIMessage {
  Bytes message;
  IMessage parsed;
  uint32_t csb_id = 0;  // GUK-ID, PCK-ID or CSK-ID
  Bytes rand;
};

// Builds and signs an I_MESSAGE. Fails with kInvalidArgument for inconsistent inputs (purpose
// tag, key length, missing KMS or signer) and kExpired when the signer's key period is not the
// period of options.now.
Result<CreatedIMessage> CreateIMessage(const Initiator& initiator, const Responder& responder,
                                       const DistributedKey& key, const CreateOptions& options);

// Re-signs a message structure with the initiator's signer (sets its SIGN payload). Used by
// CreateIMessage and by tests that need a validly signed but otherwise altered message.
Result<Bytes> SignIMessage(IMessage& message, const crypto::eccsi::Signer& signer);

}  // namespace kb::mikey
