// TS 33.180 Annex D (D.3.3): KmsKeySet round trips, schema order, UserID forms, key content.
#include "kms/kms_key_set.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "kms/kms_samples.h"

namespace kb::kms {
namespace {

using testing::ChildNames;
using testing::Pattern;
using testing::SampleKeySet;

std::string Text(const SecretBytes& s) { return std::string(AsString(s.Reveal())); }

// Hand-written with a prefix, uppercase hex, a base64 UserID and only the mandatory elements.
std::string Prefixed(std::string_view user_id, std::string_view rsk = "04AB",
                     std::string_view extra_attr = "") {
  return std::string(R"(<?xml version="1.0"?>
<k:KmsKeySet xmlns:k="urn:3gpp:ns:mcsecKMSInterface:1.0"
    xmlns:i="http://www.w3.org/2001/XMLSchema-instance" Version="1.1.0">
  <k:KmsUri>kms.example.org</k:KmsUri>
  <k:UserUri>sip:user@example.org</k:UserUri>
  <k:UserID>)") +
         std::string(user_id) + R"(</k:UserID>
  <k:KeyPeriodNo>1514</k:KeyPeriodNo>
  <k:UserDecryptKey i:type="k:KeyContentType")" +
         std::string(extra_attr) + ">" + std::string(rsk) + R"(</k:UserDecryptKey>
  <k:UserSigningKeySSK i:type="KeyContentType">0102</k:UserSigningKeySSK>
  <k:UserPubTokenPVT>04FF</k:UserPubTokenPVT>
</k:KmsKeySet>)";
}

TEST(KmsKeySet, RoundTrip) {
  KmsKeySet k = SampleKeySet();
  SecretBytes xml = ToXml(k);
  auto parsed = ParseKmsKeySet(Text(xml));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_TRUE(*parsed == k);
  EXPECT_NE(Text(xml).find(R"(<UserDecryptKey xsi:type="KeyContentType">)"), std::string::npos);
  EXPECT_NE(Text(xml).find(ToHex(k.user_id)), std::string::npos);  // UserID in hex
}

TEST(KmsKeySet, OutputFollowsSchemaOrder) {
  std::vector<std::string> want = {"KmsUri",
                                   "CertUri",
                                   "Issuer",
                                   "UserUri",
                                   "UserID",
                                   "ValidFrom",
                                   "ValidTo",
                                   "KeyPeriodNo",
                                   "Revoked",
                                   "UserDecryptKey",
                                   "UserSigningKeySSK",
                                   "UserPubTokenPVT"};
  EXPECT_EQ(ChildNames(Text(ToXml(SampleKeySet()))), want);
}

TEST(KmsKeySet, ParsesPrefixedDocumentWithHexOrBase64UserId) {
  Bytes uid = Pattern(32, 0x40);
  for (const std::string& form : {ToHex(uid), ToBase64(uid)}) {
    auto k = ParseKmsKeySet(Prefixed(form));
    ASSERT_TRUE(k) << k.error().ToString();
    EXPECT_EQ(k->user_id, uid);
    EXPECT_EQ(k->key_period_no, 1514u);
    EXPECT_TRUE(k->user_decrypt_key == SecretBytes(Bytes{0x04, 0xab}));
    EXPECT_TRUE(k->user_signing_key_ssk == SecretBytes(Bytes{0x01, 0x02}));
    EXPECT_EQ(k->user_pub_token_pvt, (Bytes{0x04, 0xff}));
    EXPECT_TRUE(k->cert_uri.empty());
    EXPECT_FALSE(k->valid_to.has_value());
  }
}

TEST(KmsKeySet, RejectsBadUserIdAndKeys) {
  std::string hex = ToHex(Pattern(32, 0x40));
  auto short_id = ParseKmsKeySet(Prefixed(hex.substr(2)));
  ASSERT_FALSE(short_id);
  EXPECT_NE(short_id.error().message().find("UserID"), std::string::npos);

  auto bad_hex = ParseKmsKeySet(Prefixed(hex, "04AZ"));
  ASSERT_FALSE(bad_hex);
  EXPECT_EQ(bad_hex.error().kind(), ErrorKind::kMalformed);
  EXPECT_NE(bad_hex.error().message().find("UserDecryptKey"), std::string::npos);
  // The error never quotes key material.
  EXPECT_EQ(bad_hex.error().message().find("04AZ"), std::string::npos);

  auto odd = ParseKmsKeySet(Prefixed(hex, "04A"));
  ASSERT_FALSE(odd);
  EXPECT_NE(odd.error().message().find("UserDecryptKey"), std::string::npos);
}

TEST(KmsKeySet, EncryptedKeyContentIsUnsupported) {
  std::string hex = ToHex(Pattern(32, 0x40));
  std::string enc = Prefixed(hex);
  enc.replace(enc.find("k:KeyContentType"), 16, "k:EncKeyContentType");
  auto r = ParseKmsKeySet(enc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(r.error().message().find("UserDecryptKey"), std::string::npos);

  auto nested = ParseKmsKeySet(Prefixed(hex, "<k:EncryptedKey/>"));
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().kind(), ErrorKind::kUnsupported);
}

TEST(KmsKeySet, RejectsMissingOrMisplacedElements) {
  std::string good = Prefixed(ToHex(Pattern(32, 0x40)));
  std::string no_ssk = good;
  no_ssk.erase(no_ssk.find("<k:UserSigningKeySSK"),
               no_ssk.find("<k:UserPubTokenPVT") - no_ssk.find("<k:UserSigningKeySSK"));
  auto r = ParseKmsKeySet(no_ssk);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kMalformed);
  EXPECT_NE(r.error().message().find("UserSigningKeySSK"), std::string::npos);

  // UserUri before KmsUri.
  std::string swapped = good;
  std::string uri = "<k:UserUri>sip:user@example.org</k:UserUri>";
  swapped.erase(swapped.find(uri), uri.size());
  swapped.insert(swapped.find("<k:KmsUri>"), uri);
  auto s = ParseKmsKeySet(swapped);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("KmsUri"), std::string::npos);

  std::string period = good;
  period.replace(period.find(">1514<"), 6, ">15x4<");
  auto p = ParseKmsKeySet(period);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("KeyPeriodNo"), std::string::npos);
}

TEST(KmsKeySet, CloneIsEqual) {
  KmsKeySet k = SampleKeySet();
  EXPECT_TRUE(k.Clone() == k);
  KmsKeySet other = k.Clone();
  other.user_signing_key_ssk.RevealMutable()[0] ^= 1;
  EXPECT_FALSE(other == k);
}

}  // namespace
}  // namespace kb::kms
