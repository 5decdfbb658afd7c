// TS 33.180 5.3 / Annex D: the certificate and key sets loaded from every document form.
#include "kms/user_key_documents.h"

#include <gtest/gtest.h>

#include "kms/kms_response.h"
#include "kms/kms_samples.h"

namespace kb::kms {
namespace {

using testing::SampleCertificate;
using testing::SampleKeySet;

std::string Text(const SecretBytes& s) { return std::string(AsString(s.Reveal())); }

KmsResponse Envelope(KmsMessage m) {
  KmsResponse r;
  r.user_uri = "sip:user@example.org";
  r.kms_uri = "kms.example.org";
  r.time = testing::Time("2026-11-23T03:35:32Z");
  r.client_req_url = "https://kms.example.org/keymanagement/identity/v1/init";
  r.message = std::move(m);
  return r;
}

TEST(UserKeyDocuments, CertificateFromEveryForm) {
  KmsCertificate c = SampleCertificate();
  auto bare = LoadKmsCertificate(ToXml(c));
  ASSERT_TRUE(bare) << bare.error().ToString();
  EXPECT_EQ(*bare, c);

  auto init = LoadKmsCertificate(Text(ToXml(Envelope(KmsInit{c, std::nullopt}))));
  ASSERT_TRUE(init) << init.error().ToString();
  EXPECT_EQ(*init, c);

  KmsCertCache cache;
  KmsCertificate other = c;
  other.kms_uri = "kms.other.org";
  cache.certificates = {other, c};
  std::string cache_xml = Text(ToXml(Envelope(cache)));
  auto picked = LoadKmsCertificate(cache_xml, "kms.example.org");
  ASSERT_TRUE(picked) << picked.error().ToString();
  EXPECT_EQ(*picked, c);
  auto first = LoadKmsCertificate(cache_xml);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kms_uri, "kms.other.org");
  auto none = LoadKmsCertificate(cache_xml, "kms.nowhere.org");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind(), ErrorKind::kNotFound);
}

TEST(UserKeyDocuments, KeySetsFromEveryForm) {
  auto bare = LoadKmsKeySets(Text(ToXml(SampleKeySet())));
  ASSERT_TRUE(bare) << bare.error().ToString();
  ASSERT_EQ(bare->size(), 1u);
  EXPECT_TRUE((*bare)[0] == SampleKeySet());

  KmsKeyProv prov;
  prov.key_sets.push_back(SampleKeySet());
  KmsKeySet next = SampleKeySet();
  next.key_period_no = 1515;
  prov.key_sets.push_back(std::move(next));
  auto sets = LoadKmsKeySets(Text(ToXml(Envelope(std::move(prov)))));
  ASSERT_TRUE(sets) << sets.error().ToString();
  ASSERT_EQ(sets->size(), 2u);

  auto chosen = SelectKeySet(*sets, "sip:user@example.org", 1515);
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->key_period_no, 1515u);
  EXPECT_FALSE(SelectKeySet(*sets, "sip:other@example.org", 1515));
  EXPECT_EQ(SelectKeySet(*sets, "", 1600).error().kind(), ErrorKind::kNotFound);
}

TEST(UserKeyDocuments, WrongFormsAreRefused) {
  // A certificate file given as keys, and the reverse.
  auto keys = LoadKmsKeySets(ToXml(SampleCertificate()));
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().kind(), ErrorKind::kMalformed);
  auto cert = LoadKmsCertificate(Text(ToXml(SampleKeySet())));
  ASSERT_FALSE(cert);
  // A response with an error code reports it.
  auto err = LoadKmsKeySets(Text(ToXml(Envelope(KmsError{404, "no such user"}))));
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().kind(), ErrorKind::kNotFound);
  EXPECT_NE(err.error().message().find("404"), std::string::npos);
  // A response with a certificate has no key sets.
  auto init = LoadKmsKeySets(Text(ToXml(Envelope(KmsInit{SampleCertificate(), std::nullopt}))));
  ASSERT_FALSE(init);
  EXPECT_FALSE(LoadKmsCertificate("<notxml"));
}

}  // namespace
}  // namespace kb::kms
