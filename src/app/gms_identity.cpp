// TS 33.180 7.3.3.1: the GMS's own MIKEY-SAKKE identity from its KMS documents.
#include "app/gms_identity.h"

#include "app/input.h"
#include "kms/user_key_check.h"
#include "kms/user_key_documents.h"

namespace kb::app {

void GmsIdentity::Configure(gms::GmsConfig& config) const {
  config.identity = {uri, &keys, signer.get(), period};
  const mikey::KmsPublicKeys* kms = &keys;
  config.lookup = [kms](std::string_view recipient) -> Result<mikey::Responder> {
    return mikey::Responder{std::string(recipient), kms};
  };
}

Result<std::unique_ptr<GmsIdentity>> LoadGmsIdentity(const std::string& kms_cert,
                                                     const std::string& keys,
                                                     const std::string& from, NtpTime now) {
  if (kms_cert.empty() || keys.empty()) {
    return Fail(Error::InvalidArgument("the GMS's KMS certificate and key set are required"));
  }
  auto id = std::make_unique<GmsIdentity>();
  KB_TRY(std::string cert_xml, ReadInput(kms_cert));
  KB_TRY(id->cert, kms::LoadKmsCertificate(cert_xml));
  KB_TRY(auto community, crypto::sakke::Community::Create(id->cert.pub_enc_key));
  id->sakke = std::make_unique<crypto::sakke::Community>(std::move(community));
  id->keys = {id->cert.kms_uri, id->cert.pub_enc_key, id->cert.pub_auth_key, id->cert.key_period,
              id->sakke.get()};
  KB_TRY(std::string keys_xml, ReadInput(keys));
  KB_TRY(auto sets, kms::LoadKmsKeySets(keys_xml));
  for (const auto& s : sets) {
    if (auto st = kms::CheckKeySet(id->cert, s); !st) return Fail(st.error().Within(keys));
  }
  id->period = id->cert.key_period.NumberAt(now);
  KB_TRY(const kms::KmsKeySet& mine, kms::SelectKeySet(sets, from, id->period));
  id->uri = mine.user_uri;
  KB_TRY(auto signer,
         crypto::eccsi::Signer::Create(
             id->cert.pub_auth_key, id->keys.UidAt(mine.user_uri, now),
             crypto::eccsi::UserKeys{mine.user_signing_key_ssk.Clone(), mine.user_pub_token_pvt}));
  id->signer = std::make_unique<crypto::eccsi::Signer>(std::move(signer));
  return id;
}

}  // namespace kb::app
