// TS 33.180 Annex D (D.3.3, the user key set): the KmsKeySet document, one user's keys for one
// key period: the UID, the SAKKE RSK (UserDecryptKey), the ECCSI SSK and PVT.
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "core/ntp_time.h"
#include "core/secret.h"

namespace kb::kms {

// Length of UserID: the F.2.1 UID (SHA-256).
inline constexpr size_t kUserIdBytes = 32;

// Move-only: it holds secret keys.
struct KmsKeySet {
  std::string version = "1.1.0";  // attribute Version
  std::string kms_uri;            // KmsUri, mandatory
  std::string cert_uri;           // CertUri (empty: absent)
  std::string issuer;             // Issuer (empty: absent)
  std::string user_uri;           // UserUri, mandatory
  Bytes user_id;                  // UserID: the 32-octet UID; hex on output, hex or base64 on input
  std::optional<NtpTime> valid_from;
  std::optional<NtpTime> valid_to;
  uint64_t key_period_no = 0;        // KeyPeriodNo, mandatory
  bool revoked = false;              // Revoked (absent: false)
  SecretBytes user_decrypt_key;      // UserDecryptKey: SAKKE RSK, 257 octets
  SecretBytes user_signing_key_ssk;  // UserSigningKeySSK: ECCSI SSK, 32 octets
  Bytes user_pub_token_pvt;          // UserPubTokenPVT: ECCSI PVT, 65 octets (public)

  friend bool operator==(const KmsKeySet&, const KmsKeySet&) = default;

  KmsKeySet Clone() const;
};

// Parses a document whose root is KmsKeySet.
Result<KmsKeySet> ParseKmsKeySet(std::string_view xml);
// The document. It carries secret keys, so it comes back in a buffer that wipes itself.
SecretBytes ToXml(const KmsKeySet& key_set);

// Element level, for KmsResponse/KmsKeyProv. The root that holds the element must declare the
// xsi prefix (xml::NewRoot(..., true)).
Result<KmsKeySet> ReadKmsKeySet(pugi::xml_node e);
void AppendKmsKeySet(pugi::xml_node parent, const KmsKeySet& key_set);

}  // namespace kb::kms
