// TS 33.180 5.3 (with RFC 6507 5.1.2 and RFC 6508 6.1.2): client checks of a key set.
#include "kms/user_key_check.h"

#include <fmt/format.h>

#include "crypto/eccsi.h"
#include "crypto/mc_identity.h"
#include "crypto/sakke.h"

namespace kb::kms {

Status CheckKeySet(const KmsCertificate& cert, const KmsKeySet& k) {
  if (k.kms_uri != cert.kms_uri) {
    return Fail(Error::WrongRecipient(fmt::format(
        "KmsKeySet: KmsUri '{}' is not the certificate's '{}'", k.kms_uri, cert.kms_uri)));
  }
  if (cert.user_id_format != kUserIdFormatHashedUid) {
    return Fail(Error::Unsupported(
        fmt::format("KmsCertificate: UserIdFormat '{}' is not supported", cert.user_id_format)));
  }
  if (k.revoked) return Fail(Error::Expired("KmsKeySet: Revoked"));
  if (cert.revoked) return Fail(Error::Expired("KmsCertificate: Revoked"));
  crypto::Uid uid =
      crypto::MikeySakkeUid(k.user_uri, cert.kms_uri, cert.key_period, k.key_period_no);
  if (ByteView(uid).size() != k.user_id.size() ||
      !std::equal(uid.begin(), uid.end(), k.user_id.begin())) {
    return Fail(Error::WrongRecipient(
        fmt::format("KmsKeySet: UserID is not the F.2.1 UID of '{}' in key period {}", k.user_uri,
                    k.key_period_no)));
  }
  auto length = [](std::string_view field, size_t got, size_t want) -> Status {
    if (got == want) return Ok();
    return Fail(Error::Malformed(fmt::format("{}: {} octets, expected {}", field, got, want)));
  };
  KB_CHECK(
      length("KmsCertificate PubAuthKey", cert.pub_auth_key.size(), crypto::eccsi::kPointBytes));
  KB_CHECK(length("KmsCertificate PubEncKey", cert.pub_enc_key.size(), crypto::sakke::kPointBytes));
  KB_CHECK(length("KmsKeySet UserSigningKeySSK", k.user_signing_key_ssk.size(),
                  crypto::eccsi::kScalarBytes));
  KB_CHECK(
      length("KmsKeySet UserPubTokenPVT", k.user_pub_token_pvt.size(), crypto::eccsi::kPointBytes));
  KB_CHECK(
      length("KmsKeySet UserDecryptKey", k.user_decrypt_key.size(), crypto::sakke::kPointBytes));
  crypto::eccsi::UserKeys ecc{k.user_signing_key_ssk.Clone(), k.user_pub_token_pvt};
  if (auto hs = crypto::eccsi::ValidateUserKeys(cert.pub_auth_key, uid, ecc); !hs) {
    return Fail(Error::CryptoFailure(fmt::format(
        "KmsKeySet: SSK/PVT do not validate against PubAuthKey ({})", hs.error().message())));
  }
  if (auto ok = crypto::sakke::ValidateRsk(cert.pub_enc_key, uid, k.user_decrypt_key); !ok) {
    return Fail(Error::CryptoFailure(
        fmt::format("KmsKeySet: UserDecryptKey does not validate against PubEncKey ({})",
                    ok.error().message())));
  }
  return Ok();
}

}  // namespace kb::kms
