// TS 33.180 Annex D (D.3, Tables D.3.0-1 / D.3.1-1): the KmsResponse document: a KmsMessage
// carrying KmsInit (the root KMS certificate), KmsKeyProv (key sets), KmsCertCache
// (certificates) or KmsError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/ntp_time.h"
#include "core/secret.h"
#include "kms/kms_certificate.h"
#include "kms/kms_key_set.h"

namespace kb::kms {

// Largest number of KmsKeySet elements in a KmsKeyProv and of certificates in a KmsCertCache.
inline constexpr size_t kMaxKeySets = 64;
inline constexpr size_t kMaxCachedCertificates = 256;

struct KmsInit {
  KmsCertificate certificate;  // the root KMS certificate (also accepted in SignedKmsCertificate)
  // NewTransportKey: a new TrK, when sent as KeyContentType (an encrypted one is unsupported).
  std::optional<SecretBytes> new_transport_key;
  friend bool operator==(const KmsInit&, const KmsInit&) = default;
};

struct KmsKeyProv {
  std::vector<KmsKeySet> key_sets;  // zero or more
  friend bool operator==(const KmsKeyProv&, const KmsKeyProv&) = default;
};

struct KmsCertCache {
  uint64_t cache_num = 0;  // attribute CacheNum
  std::vector<KmsCertificate> certificates;
  friend bool operator==(const KmsCertCache&, const KmsCertCache&) = default;
};

struct KmsError {
  uint64_t error_code = 0;  // ErrorCode
  std::string error_msg;    // ErrorMsg (empty: absent)
  friend bool operator==(const KmsError&, const KmsError&) = default;
};

using KmsMessage = std::variant<KmsInit, KmsKeyProv, KmsCertCache, KmsError>;

// Move-only when it holds keys.
struct KmsResponse {
  std::string version = "1.1.0";  // attribute Version
  std::string user_uri;           // UserUri, mandatory
  std::string kms_uri;            // KmsUri, mandatory
  NtpTime time;                   // Time, mandatory
  std::string kms_id;             // KmsId (empty: absent)
  std::string client_req_url;     // ClientReqUrl, mandatory
  KmsMessage message;

  friend bool operator==(const KmsResponse&, const KmsResponse&) = default;
};

// Parses a document whose root is KmsResponse.
Result<KmsResponse> ParseKmsResponse(std::string_view xml);
// The document. It may carry keys (KmsKeyProv, a TrK), so it comes back in a wiping buffer.
SecretBytes ToXml(const KmsResponse& response);

}  // namespace kb::kms
