// keybridge extension (NOT 3GPP; seed pCR for TS 23.283 "user root key distribution", issue 5):
// the client side of root key distribution without I/O: take the user profile the CMS serves,
// open the LMR root key I_MESSAGE (docs/lmr-root-key.md) with every check, and install the key
// as the UKEK in the subscriber unit's KEK keyset (TIA-102.AACA 13.3). Also the out-of-band
// key-fill path (docs/key-fill-file.md). docs/client.md "Root key".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/key_fill_file.h"
#include "client/su_state.h"
#include "core/error.h"
#include "core/ntp_time.h"
#include "mikey/i_message_opener.h"
#include "mikey/lmr_root_key_message.h"
#include "p25/subscriber_unit.h"

namespace kb::client {

struct RootKeyPolicy {
  // The IWF identities allowed to sign root keys (config authorised_iwfs). Empty: none is.
  std::vector<std::string> authorised_iwfs;
  // How old the I_MESSAGE's timestamp may be: a profile element is opened long after the IWF
  // made it, so this is one key period by default (docs/lmr-root-key.md "Time").
  uint64_t max_skew_seconds = 30 * 86400;
  // The KMSs of other communities whose IWFs may sign (besides the client's own KMS).
  std::vector<const mikey::KmsPublicKeys*> trusted_kms;
};

enum class RootKeyOutcome {
  kInstalled,  // a new root key (first one, or a rotation) is now the UKEK
  kUnchanged,  // the profile holds the root key already installed (same ALGID, KID, serial)
  kNoRootKey,  // the profile has no P25 root key element
};
const char* RootKeyOutcomeName(RootKeyOutcome o);

// Installs an opened P25 root key: stores it in keyset 0xFF (SLN 0) under its ALGID/KID,
// erases the previous root key when the KID or ALGID changed (rotation), records it in extras.
// kUnsupported for a TETRA KEK (no TETRA key store), kInvalidArgument for a length that does
// not suit the ALGID. On error nothing changed.
Status InstallOpenedRootKey(p25::SubscriberUnit& su, ClientExtras& extras,
                            const mikey::OpenedRootKey& opened);

// The whole client check of a profile document: parse; the profile must be `me`'s
// (kWrongRecipient); the P25 root key element's clear fields must match its signed extension
// (cms::CheckLmrRootKeyElement); the same root key already installed is kUnchanged without
// opening; otherwise mikey::OpenRootKeyIMessage with the authorised IWFs and the installed
// rotation serial as the minimum (kReplay for an older one), then InstallOpenedRootKey. On any
// error the store and extras are unchanged.
Result<RootKeyOutcome> InstallRootKeyFromProfile(std::string_view profile_xml,
                                                 const mikey::ReceiverIdentity& me,
                                                 const RootKeyPolicy& policy, NtpTime now,
                                                 p25::SubscriberUnit& su, ClientExtras& extras);

// The key-fill path: the file's RSI must be the unit's (kWrongRecipient); the key goes to the
// named keyset (0xFF: recorded as the root key, source key-fill, replacing a previous one).
Status InstallKeyFill(const KeyFill& fill, p25::SubscriberUnit& su, ClientExtras& extras);

}  // namespace kb::client
