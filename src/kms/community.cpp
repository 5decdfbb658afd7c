// TS 33.180 5.3 and Annex D, RFC 6507 5.1.1, RFC 6508 6.1.1: a KMS community.
#include "kms/community.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include "core/bytes.h"
#include "crypto/mc_identity.h"
#include "kms/at_rest.h"
#include "kms/kms_xml.h"
#include "kms/sealed_secrets.h"

namespace kb::kms {
namespace {

// The sealed plaintext: u16 length || KSAK || u16 length || z.
Result<SecretBytes> EncodeSecrets(const crypto::eccsi::KmsKeys& eccsi,
                                  const crypto::sakke::KmsKeys& sakke) {
  ByteWriter w(4 + eccsi.ksak.size() + sakke.z.size());
  size_t mark = w.BeginU16Length();
  w.Append(eccsi.ksak.Reveal());
  KB_CHECK(w.EndU16Length(mark));
  mark = w.BeginU16Length();
  w.Append(sakke.z.Reveal());
  KB_CHECK(w.EndU16Length(mark));
  return SecretBytes::Adopt(std::move(w).Take());
}

bool SameBytes(ByteView a, ByteView b) { return std::ranges::equal(a, b); }

}  // namespace

Community::Community(KmsCertificate certificate, crypto::eccsi::KmsKeys eccsi,
                     crypto::sakke::KmsKeys sakke)
    : certificate_(std::move(certificate)), eccsi_(std::move(eccsi)), sakke_(std::move(sakke)) {}

Result<Community> Community::Create(const CommunityOptions& o) {
  if (o.kms_uri.empty()) return Fail(Error::InvalidArgument("community: KmsUri is empty"));
  if (o.key_period.length_seconds == 0 || o.key_period.length_seconds > UINT32_MAX ||
      o.key_period.offset_seconds > UINT32_MAX) {
    return Fail(
        Error::InvalidArgument("community: UserKeyPeriod must be in 1..2^32-1 and "
                               "UserKeyOffset below 2^32"));
  }
  if (o.valid_to <= o.valid_from) {
    return Fail(Error::InvalidArgument("community: ValidTo must be after ValidFrom"));
  }
  KmsCertificate c;
  c.role = "Root";
  c.kms_uri = o.kms_uri;
  c.cert_uri = o.cert_uri.empty() ? "cert1." + o.kms_uri : o.cert_uri;
  c.issuer = o.issuer.empty() ? o.kms_uri : o.issuer;
  c.valid_from = o.valid_from;
  c.valid_to = o.valid_to;
  c.key_period = o.key_period;
  c.kms_domains = o.kms_domains;
  crypto::eccsi::KmsKeys eccsi = crypto::eccsi::GenerateKmsKeys();
  crypto::sakke::KmsKeys sakke = crypto::sakke::GenerateKmsKeys();
  c.pub_auth_key = eccsi.kpak;
  c.pub_enc_key = sakke.z_pub;
  return Community(std::move(c), std::move(eccsi), std::move(sakke));
}

Result<KmsKeySet> Community::Provision(std::string_view user_uri, uint64_t period_number) const {
  if (user_uri.empty()) return Fail(Error::InvalidArgument("provision: empty user URI"));
  const KeyPeriod& p = certificate_.key_period;
  // The period must end before NTP seconds overflow 32 bits (NtpTime's range).
  if (period_number >= (uint64_t{UINT32_MAX} - p.offset_seconds) / p.length_seconds) {
    return Fail(Error::InvalidArgument(
        fmt::format("provision: key period {} lies beyond the NTP era", period_number)));
  }
  crypto::Uid uid = crypto::MikeySakkeUid(user_uri, certificate_.kms_uri, p, period_number);
  KB_TRY(crypto::eccsi::UserKeys ecc, crypto::eccsi::IssueUserKeys(eccsi_, uid));
  KB_TRY(SecretBytes rsk, crypto::sakke::IssueRsk(sakke_, uid));
  KmsKeySet k;
  k.kms_uri = certificate_.kms_uri;
  k.cert_uri = certificate_.cert_uri;
  k.issuer = certificate_.issuer;
  k.user_uri = std::string(user_uri);
  k.user_id.assign(uid.begin(), uid.end());
  k.valid_from = p.Start(period_number);
  k.valid_to = p.End(period_number);
  k.key_period_no = period_number;
  k.user_decrypt_key = std::move(rsk);
  k.user_signing_key_ssk = std::move(ecc.ssk);
  k.user_pub_token_pvt = std::move(ecc.pvt);
  return k;
}

Status Community::Save(const std::filesystem::path& dir, const SecretBytes& storage_key) const {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    if (::mkdir(dir.c_str(), 0700) != 0) {
      return Fail(Error::Io(fmt::format("create directory {}", dir.string())));
    }
  }
  std::string cert_xml = CertificateXml();
  KB_TRY(SecretBytes plain, EncodeSecrets(eccsi_, sakke_));
  KB_TRY(Bytes sealed, SealSecrets(storage_key, AsBytes(cert_xml), plain));
  // Secrets first: a crash between the two renames leaves the old certificate, which no longer
  // authenticates the new secrets, and Load fails loudly rather than mixing two communities.
  KB_CHECK(WriteFileAtomic(dir / kSecretsFile, sealed, 0600));
  KB_CHECK(WriteFileAtomic(dir / kCertificateFile, AsBytes(cert_xml), 0644));
  return Ok();
}

Result<Community> Community::Load(const std::filesystem::path& dir,
                                  const SecretBytes& storage_key) {
  KB_TRY(Bytes cert_xml, ReadFileBounded(dir / kCertificateFile, xml::kMaxDocumentBytes));
  KB_TRY(Bytes sealed, ReadFileBounded(dir / kSecretsFile, 64 * 1024));
  KB_TRY(SecretBytes plain, OpenSealedSecrets(storage_key, cert_xml, sealed));
  KB_TRY(KmsCertificate cert, ParseKmsCertificate(AsString(cert_xml)));
  ByteReader r(plain.Reveal());
  KB_TRY(ByteReader ksak, r.U16Prefixed("sealed KSAK"));
  KB_TRY(ByteReader z, r.U16Prefixed("sealed z"));
  KB_CHECK(r.ExpectEnd("sealed secrets"));
  KB_TRY(crypto::eccsi::KmsKeys eccsi, crypto::eccsi::KmsKeysFromKsak(ksak.View()));
  KB_TRY(crypto::sakke::KmsKeys sakke, crypto::sakke::KmsKeysFromSecret(z.View()));
  if (!SameBytes(eccsi.kpak, cert.pub_auth_key) || !SameBytes(sakke.z_pub, cert.pub_enc_key)) {
    return Fail(Error::CryptoFailure(
        "community: the sealed secrets do not give the certificate's PubAuthKey/PubEncKey"));
  }
  return Community(std::move(cert), std::move(eccsi), std::move(sakke));
}

}  // namespace kb::kms
