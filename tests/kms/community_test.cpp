// TS 33.180 5.3 / Annex D, RFC 6507 5.1, RFC 6508 6.1: a KMS community: create, provision (the
// key set passes the client checks), save/load with sealed secrets, tampering.
#include "kms/community.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/encoding.h"
#include "crypto/mc_identity.h"
#include "crypto/random.h"
#include "kms/kms_response.h"
#include "kms/user_key_check.h"
#include "kms/user_key_documents.h"
#include "testing/vectors.h"

namespace kb::kms {
namespace {

namespace fs = std::filesystem;

CommunityOptions Options() {
  CommunityOptions o;
  o.kms_uri = "kms.example.org";
  o.key_period = {2592000, 0};
  o.valid_from = *NtpTime::ParseIso8601("2026-01-01T00:00:00Z");
  o.valid_to = *NtpTime::ParseIso8601("2030-01-01T00:00:00Z");
  o.kms_domains = {"example.org"};
  return o;
}

// One community for the whole suite: creating one costs a SAKKE scalar multiplication.
const Community& Shared() {
  static Community* c = [] {
    auto r = Community::Create(Options());
    EXPECT_TRUE(r) << r.error().ToString();
    return new Community(std::move(*r));
  }();
  return *c;
}

class CommunityFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("kb-community-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    key_ = crypto::RandomSecret(32);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Bytes Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  void Write(const fs::path& p, const Bytes& b) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }

  fs::path dir_;
  SecretBytes key_;
};

TEST(Community, CertificateDescribesTheCommunity) {
  const KmsCertificate& c = Shared().certificate();
  EXPECT_EQ(c.kms_uri, "kms.example.org");
  EXPECT_EQ(c.cert_uri, "cert1.kms.example.org");
  EXPECT_EQ(c.user_id_format, "2");
  EXPECT_EQ(c.role, "Root");
  EXPECT_EQ(c.key_period.length_seconds, 2592000u);
  EXPECT_EQ(c.pub_auth_key.size(), crypto::eccsi::kPointBytes);
  EXPECT_EQ(c.pub_enc_key.size(), crypto::sakke::kPointBytes);
  auto parsed = ParseKmsCertificate(Shared().CertificateXml());
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, c);
}

TEST(Community, ProvisionedKeySetPassesTheClientChecks) {
  auto k = Shared().Provision("sip:user@example.org", 1);
  ASSERT_TRUE(k) << k.error().ToString();
  // The UID of the published F.2.1 vector (same URI, KMS, period, offset and number).
  auto v = kb::testing::FindVector(kb::testing::LoadVectors("mikey-sakke-uid.json"),
                                   "streamwide-uid-test-1");
  EXPECT_EQ(ToHex(k->user_id), v["outputs"]["uid"].get<std::string>());
  EXPECT_EQ(k->key_period_no, 1u);
  EXPECT_EQ(k->valid_from, NtpTime::FromSeconds(2592000));
  EXPECT_EQ(k->valid_to, NtpTime::FromSeconds(2 * 2592000));
  Status ok = CheckKeySet(Shared().certificate(), *k);
  EXPECT_TRUE(ok) << ok.error().ToString();

  // The same through the documents a client receives.
  KmsResponse r;
  r.user_uri = "sip:user@example.org";
  r.kms_uri = "kms.example.org";
  r.time = NtpTime::FromSeconds(2592000 + 5);
  r.client_req_url = "https://kms.example.org/keymanagement/identity/v1/keyprov";
  KmsKeyProv prov;
  prov.key_sets.push_back(k->Clone());
  r.message = std::move(prov);
  SecretBytes xml = ToXml(r);
  auto sets = LoadKmsKeySets(AsString(xml.Reveal()));
  ASSERT_TRUE(sets) << sets.error().ToString();
  auto cert = LoadKmsCertificate(Shared().CertificateXml());
  ASSERT_TRUE(cert);
  auto chosen = SelectKeySet(*sets, "sip:user@example.org", 1);
  ASSERT_TRUE(chosen);
  Status ok2 = CheckKeySet(*cert, *chosen);
  EXPECT_TRUE(ok2) << ok2.error().ToString();
}

TEST(Community, CheckKeySetRejectsWrongOrDamagedKeys) {
  auto k = Shared().Provision("sip:alice@example.org", 1514);
  ASSERT_TRUE(k) << k.error().ToString();
  const KmsCertificate& cert = Shared().certificate();

  KmsKeySet other_user = k->Clone();
  other_user.user_uri = "sip:mallory@example.org";
  EXPECT_EQ(CheckKeySet(cert, other_user).error().kind(), ErrorKind::kWrongRecipient);

  KmsKeySet other_period = k->Clone();
  other_period.key_period_no = 1515;
  EXPECT_EQ(CheckKeySet(cert, other_period).error().kind(), ErrorKind::kWrongRecipient);

  KmsKeySet bad_ssk = k->Clone();
  bad_ssk.user_signing_key_ssk.RevealMutable()[31] ^= 1;
  EXPECT_EQ(CheckKeySet(cert, bad_ssk).error().kind(), ErrorKind::kCryptoFailure);

  // Another valid RSK (for a different UID) in this key set.
  auto bob = Shared().Provision("sip:bob@example.org", 1514);
  ASSERT_TRUE(bob);
  KmsKeySet bad_rsk = k->Clone();
  bad_rsk.user_decrypt_key = bob->user_decrypt_key.Clone();
  EXPECT_EQ(CheckKeySet(cert, bad_rsk).error().kind(), ErrorKind::kCryptoFailure);

  KmsKeySet short_pvt = k->Clone();
  short_pvt.user_pub_token_pvt.pop_back();
  EXPECT_EQ(CheckKeySet(cert, short_pvt).error().kind(), ErrorKind::kMalformed);

  KmsKeySet revoked = k->Clone();
  revoked.revoked = true;
  EXPECT_EQ(CheckKeySet(cert, revoked).error().kind(), ErrorKind::kExpired);

  KmsCertificate other_kms = cert;
  other_kms.kms_uri = "kms.other.org";
  EXPECT_EQ(CheckKeySet(other_kms, *k).error().kind(), ErrorKind::kWrongRecipient);

  KmsCertificate other_format = cert;
  other_format.user_id_format = "1";
  EXPECT_EQ(CheckKeySet(other_format, *k).error().kind(), ErrorKind::kUnsupported);
}

TEST(Community, RefusesBadArguments) {
  CommunityOptions o = Options();
  o.kms_uri.clear();
  EXPECT_EQ(Community::Create(o).error().kind(), ErrorKind::kInvalidArgument);
  o = Options();
  o.key_period.length_seconds = 0;
  EXPECT_EQ(Community::Create(o).error().kind(), ErrorKind::kInvalidArgument);
  o = Options();
  o.valid_to = o.valid_from;
  EXPECT_EQ(Community::Create(o).error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(Shared().Provision("", 1).error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(Shared().Provision("sip:user@example.org", 1700).error().kind(),
            ErrorKind::kInvalidArgument);  // ends after 2036 (NTP era 0)
}

TEST_F(CommunityFiles, SaveAndLoad) {
  ASSERT_TRUE(Shared().Save(dir_, key_));
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / kSecretsFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // The secrets file does not contain the certificate's text or anything readable.
  Bytes sealed = Read(dir_ / kSecretsFile);
  EXPECT_EQ(AsString(ByteView(sealed).first(8)), "KBKMSSEC");
  EXPECT_EQ(sealed.size(), 8u + 1 + 1 + 12 + (2 + 32 + 2 + 128) + 16);

  auto loaded = Community::Load(dir_, key_);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_EQ(loaded->certificate(), Shared().certificate());
  // The loaded secrets issue keys that validate under the original certificate.
  auto k = loaded->Provision("sip:user@example.org", 600);
  ASSERT_TRUE(k);
  Status ok = CheckKeySet(Shared().certificate(), *k);
  EXPECT_TRUE(ok) << ok.error().ToString();
  // Saving again over the same directory works.
  ASSERT_TRUE(loaded->Save(dir_, key_));
  EXPECT_TRUE(Community::Load(dir_, key_));
}

TEST_F(CommunityFiles, TamperedSecretsFileFails) {
  ASSERT_TRUE(Shared().Save(dir_, key_));
  Bytes good = Read(dir_ / kSecretsFile);
  for (size_t at : {size_t{12} /* nonce */, size_t{40} /* ciphertext */, good.size() - 1}) {
    Bytes bad = good;
    bad[at] ^= 0x01;
    Write(dir_ / kSecretsFile, bad);
    auto r = Community::Load(dir_, key_);
    ASSERT_FALSE(r) << at;
    EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure) << at;
  }
  Bytes truncated(good.begin(), good.end() - 20);
  Write(dir_ / kSecretsFile, truncated);
  EXPECT_FALSE(Community::Load(dir_, key_));
  Bytes magic = good;
  magic[0] = 'X';
  Write(dir_ / kSecretsFile, magic);
  EXPECT_EQ(Community::Load(dir_, key_).error().kind(), ErrorKind::kMalformed);
}

TEST_F(CommunityFiles, ChangedCertificateOrWrongKeyFails) {
  ASSERT_TRUE(Shared().Save(dir_, key_));
  SecretBytes other_key = crypto::RandomSecret(32);
  EXPECT_EQ(Community::Load(dir_, other_key).error().kind(), ErrorKind::kCryptoFailure);

  std::string cert(AsString(Read(dir_ / kCertificateFile)));
  size_t at = cert.find("<UserKeyPeriod>2592000");
  ASSERT_NE(at, std::string::npos);
  cert.replace(at, 22, "<UserKeyPeriod>2592001");
  Write(dir_ / kCertificateFile, ToBytes(cert));
  EXPECT_EQ(Community::Load(dir_, key_).error().kind(), ErrorKind::kCryptoFailure);

  // Secrets of another community next to this certificate.
  fs::remove_all(dir_);
  ASSERT_TRUE(Shared().Save(dir_, key_));
  auto second = Community::Create(Options());
  ASSERT_TRUE(second);
  fs::path other_dir = dir_.string() + "-other";
  ASSERT_TRUE(second->Save(other_dir, key_));
  fs::copy_file(other_dir / kSecretsFile, dir_ / kSecretsFile,
                fs::copy_options::overwrite_existing);
  fs::remove_all(other_dir);
  EXPECT_EQ(Community::Load(dir_, key_).error().kind(), ErrorKind::kCryptoFailure);
  EXPECT_EQ(Community::Load(dir_ / "missing", key_).error().kind(), ErrorKind::kNotFound);
}

}  // namespace
}  // namespace kb::kms
