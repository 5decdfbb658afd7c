// TS 33.180 7.3.3.1: the GMS is provisioned by the KMS like a user. Loads its KMS certificate and
// key set (files from `keybridge kms provision` / `kms fetch`) into the signer the GMS engine uses.
#pragma once

#include <memory>
#include <string>

#include "core/ntp_time.h"
#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "gms/group_management_server.h"
#include "kms/kms_certificate.h"

namespace kb::app {

struct GmsIdentity {
  kms::KmsCertificate cert;
  std::unique_ptr<crypto::sakke::Community> sakke;
  mikey::KmsPublicKeys keys;
  std::unique_ptr<crypto::eccsi::Signer> signer;
  std::string uri;
  uint64_t period = 0;

  // Fills the engine's identity and a lookup that puts every recipient in this KMS's community
  // (one community: docs/gms.md).
  void Configure(gms::GmsConfig& config) const;
};

// kms_cert: KmsCertificate XML; keys: KmsKeySet/KmsResponse XML; from: the GMS URI when the file
// holds several users; now selects the key period. Errors name the file.
Result<std::unique_ptr<GmsIdentity>> LoadGmsIdentity(const std::string& kms_cert,
                                                     const std::string& keys,
                                                     const std::string& from, NtpTime now);

}  // namespace kb::app
