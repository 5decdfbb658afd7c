// TS 33.180 7.4 / 5.2.3 / F.1.3 (group media keys): a GMK I_MESSAGE read from a file and opened
// with the node's KMS key set, and the SRTP-GCM session (RFC 7714, 8-octet MKI GMK-ID || GUK-ID,
// RFC 4771 RCCm3) of one group call built from it (docs/calls.md "Group call media keys").
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "client/key_fill_file.h"
#include "core/error.h"
#include "core/secret.h"
#include "srtp/key_derivation.h"
#include "srtp/srtp_session.h"

namespace kb::app {

// What a member keeps of its GMK I_MESSAGE (mc-security.md 9 step 9).
struct GroupCallKey {
  std::string me;         // the MC ID the message was opened as
  SecretBytes gmk;        // 16 octets
  uint32_t gmk_id = 0;    // recovered from the GUK-ID
  uint32_t guk_id = 0;    // ours (the CSB-ID of our copy)
  uint8_t prf_func = 1;   // of the I_MESSAGE
  Bytes rand;             // the group RAND (the same in every member's copy; see docs)
  std::string group_ids;  // MC group IDs of the key parameters, comma separated (may be empty)
  bool shared_with_gateway = false;  // key parameters status bit 1 (SeGy)
};

// Opens the GMK I_MESSAGE in gmk_file (base64, hex or "key-mgmt:mikey ..." text) addressed to
// `me` with the KMS certificate and KmsKeySet XML files. T may be up to max_age_seconds old (a
// GMK is distributed before the call; the file is not a replay channel). Errors: the files, and
// everything mikey::OpenIMessage refuses (wrong recipient, signature, not a GMK ...).
Result<GroupCallKey> OpenGroupCallKey(const std::filesystem::path& kms_cert,
                                      const std::filesystem::path& keys,
                                      const std::filesystem::path& gmk_file, const std::string& me,
                                      uint64_t max_age_seconds = 30ull * 86400);

// The GUK-ID of another member (F.1.3: GMK-ID XOR its user salt).
uint32_t GukIdOf(const GroupCallKey& key, const std::string& member_uri);

// An SRTP session for a group call: our send key (MKI = GMK-ID || our GUK-ID, master key from
// the GMK with CS-ID 4, CSB-ID = our GUK-ID, the group RAND) and a receive key for each peer
// URI (its GUK-ID in the MKI and the KDF). RCCm3, 8-octet MKI.
Result<std::unique_ptr<srtp::Session>> GroupSrtpSession(const GroupCallKey& key,
                                                        const std::vector<std::string>& peers);

// The master key of one member's stream (for tests and logs of fingerprints only).
srtp::MasterKeyMaterial GroupMasterKey(const GroupCallKey& key, uint32_t guk_id);

// A group's TEK from a key-fill file (docs/key-fill-file.md) whose keyset is not 0xFF (a TEK,
// not a UKEK); the file's RSI is not checked (any holder of the group key). The file's text is
// wiped after parsing. kInvalidArgument for a KEK-keyset file or a key other than AES-256 /
// DES-OFB / ADP.
Result<client::KeyFill> ReadTekFile(const std::filesystem::path& path);

}  // namespace kb::app
