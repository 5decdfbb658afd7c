// TS 33.180 Annex D (D.3.2, the KMS certificate): the KmsCertificate document, the public half
// of a KMS community: URIs, validity, the user key period schedule and the public keys (SAKKE
// Z_T as PubEncKey, ECCSI KPAK as PubAuthKey).
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/ntp_time.h"

namespace kb::kms {

// Largest number of KmsDomain elements accepted in a KmsDomainList.
inline constexpr size_t kMaxKmsDomains = 256;

// UserIdFormat "2": the UID is the TS 33.180 F.2.1 hash (the only format keybridge implements).
inline constexpr std::string_view kUserIdFormatHashedUid = "2";

struct KmsCertificate {
  std::string version = "1.1.0";  // attribute Version
  std::string role = "Root";      // attribute Role: "Root" or "External"
  std::string cert_uri;           // CertUri (empty: absent on input)
  std::string kms_uri;            // KmsUri, mandatory
  std::string issuer;             // Issuer (empty: absent on input)
  std::optional<NtpTime> valid_from;
  std::optional<NtpTime> valid_to;
  bool revoked = false;                                // Revoked (absent: false)
  std::string user_id_format{kUserIdFormatHashedUid};  // UserIdFormat, mandatory
  KeyPeriod key_period;                                // UserKeyPeriod, UserKeyOffset
  Bytes pub_enc_key;                                   // PubEncKey: SAKKE Z_T, 257 octets
  Bytes pub_auth_key;                                  // PubAuthKey: ECCSI KPAK, 65 octets
  uint32_t parameter_set = 1;                          // ParameterSet (absent: 1)
  std::vector<std::string> kms_domains;                // KmsDomainList/KmsDomain*

  friend bool operator==(const KmsCertificate& a, const KmsCertificate& b);
};

// Parses a document whose root is KmsCertificate.
Result<KmsCertificate> ParseKmsCertificate(std::string_view xml);
// The document, with the KMS namespace as default namespace on the root.
std::string ToXml(const KmsCertificate& cert);

// Element level, for the documents that embed a certificate (KmsResponse).
Result<KmsCertificate> ReadKmsCertificate(pugi::xml_node e);
void AppendKmsCertificate(pugi::xml_node parent, const KmsCertificate& cert);

}  // namespace kb::kms
