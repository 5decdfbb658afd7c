// keybridge extension (NOT TS 33.180): the IWF -> user MIKEY-SAKKE I_MESSAGE that carries an
// LMR root key (seed pCR for TS 23.283 "user root key distribution"); built on CreateIMessage
// and OpenIMessage. Format and choices: docs/lmr-root-key.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ntp_time.h"
#include "core/secret.h"
#include "mikey/i_message_builder.h"
#include "mikey/i_message_opener.h"
#include "mikey/lmr_root_key_extension.h"

namespace kb::mikey {

// The root key and its clear description.
struct RootKey {
  RootKeyInfo info;
  SecretBytes key;  // 5..64 octets (128 or 256 bits in practice)
};

struct RootKeyCreateOptions {
  NtpTime now;
  bool identity_hiding = false;
  // For reproducible examples and tests only; empty/zero: fresh random values.
  Bytes rand;           // 16..255 octets
  SecretBytes ssv;      // the 128-bit key SAKKE carries (16 octets)
  uint32_t csb_id = 0;  // must carry purpose tag 15 when set
};

struct CreatedRootKeyIMessage {
  Bytes message;
  uint32_t csb_id = 0;
};

// The IWF (initiator) sends root_key to the user (responder): a fresh SSV in SAKKE, the root
// key wrapped in the signed General Extension 0xF1, CSB-ID = tag 15 || 28 random bits.
Result<CreatedRootKeyIMessage> CreateRootKeyIMessage(const Initiator& iwf, const Responder& user,
                                                     const RootKey& root_key,
                                                     const RootKeyCreateOptions& options);

struct RootKeyOpenOptions {
  // The standard receiver options. expected_key_type is set by OpenRootKeyIMessage. A message
  // kept in the CMS is opened long after it was made: max_skew_seconds is local policy here
  // (for example one key period), and a replay cache is usually not wanted (rotation_serial
  // gives the rollback protection instead).
  OpenOptions base;
  // The IWF identities (MC IDs) allowed to send root keys. Empty: nobody is.
  std::vector<std::string> authorised_iwfs;
  // Refuse a root key whose rotation serial is below this (the highest serial already
  // accepted for this user), with kReplay.
  std::optional<uint32_t> min_rotation_serial;
};

struct OpenedRootKey {
  RootKeyInfo info;
  SecretBytes root_key;
  uint32_t csb_id = 0;
  std::string iwf_uri;  // the authorised initiator
  NtpTime timestamp;
  uint64_t key_period_number = 0;
};

// Every check OpenIMessage makes (with purpose tag 15 expected), and before any cryptography
// that the initiator (IDRi, or IDRuidi matched against the list) is an authorised IWF
// (kUnauthorised); then unwraps the root key (kCryptoFailure when the key-wrap integrity check
// fails) and checks the rotation serial (kReplay).
Result<OpenedRootKey> OpenRootKeyIMessage(ByteView message, const ReceiverIdentity& me,
                                          const RootKeyOpenOptions& options);

}  // namespace kb::mikey
