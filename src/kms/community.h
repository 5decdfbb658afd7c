// TS 33.180 5.3 and Annex D, RFC 6507 5.1.1, RFC 6508 6.1.1: a KMS community, the KMS side of
// identity key provisioning: the KMS URI and key period schedule, the ECCSI KSAK/KPAK and the
// SAKKE z/Z, the KMS certificate, and the user key sets it issues. Saved with the master
// secrets sealed under a storage key (kms/at_rest.h, docs/kms-documents.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ntp_time.h"
#include "core/secret.h"
#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "kms/kms_certificate.h"
#include "kms/kms_key_set.h"

namespace kb::kms {

// The public description of a new community.
struct CommunityOptions {
  std::string kms_uri;                   // KmsUri, e.g. "kms.example.org" (no scheme); mandatory
  std::string cert_uri;                  // CertUri; default "cert1." + kms_uri
  std::string issuer;                    // Issuer; default kms_uri
  KeyPeriod key_period;                  // UserKeyPeriod (> 0) and UserKeyOffset
  NtpTime valid_from;                    // ValidFrom of the certificate
  NtpTime valid_to;                      // ValidTo of the certificate; must be after valid_from
  std::vector<std::string> kms_domains;  // KmsDomainList
};

// File names inside a community directory.
inline constexpr const char* kCertificateFile = "kms-certificate.xml";
inline constexpr const char* kSecretsFile = "kms-secrets.sealed";

// Immutable after Create/Load; Provision may be called from any thread. Move-only.
class Community {
 public:
  // A new community with fresh master secrets (KSAK, z).
  static Result<Community> Create(const CommunityOptions& options);
  // Reads dir/kms-certificate.xml and opens dir/kms-secrets.sealed with storage_key. Fails with
  // kCryptoFailure when either file was changed, the key is another, or the secrets do not give
  // the certificate's public keys.
  static Result<Community> Load(const std::filesystem::path& dir, const SecretBytes& storage_key);

  // Writes both files atomically (the directory is created with mode 0700 if missing); the
  // secrets file has mode 0600, the certificate 0644.
  Status Save(const std::filesystem::path& dir, const SecretBytes& storage_key) const;

  const KmsCertificate& certificate() const { return certificate_; }
  // The KmsCertificate document.
  std::string CertificateXml() const { return ToXml(certificate_); }

  // The key set of user_uri for key period period_number: UserID = the F.2.1 UID, a fresh ECCSI
  // SSK/PVT and the SAKKE RSK for that UID, ValidFrom/ValidTo = the period's bounds.
  Result<KmsKeySet> Provision(std::string_view user_uri, uint64_t period_number) const;

 private:
  Community(KmsCertificate certificate, crypto::eccsi::KmsKeys eccsi, crypto::sakke::KmsKeys sakke);

  KmsCertificate certificate_;
  crypto::eccsi::KmsKeys eccsi_;
  crypto::sakke::KmsKeys sakke_;
};

}  // namespace kb::kms
