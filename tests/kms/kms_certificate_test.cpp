// TS 33.180 Annex D (D.3.2): KmsCertificate round trips, schema order, and malformed input.
#include "kms/kms_certificate.h"

#include <gtest/gtest.h>

#include "kms/kms_samples.h"
#include "kms/kms_xml.h"

namespace kb::kms {
namespace {

using testing::ChildNames;
using testing::SampleCertificate;

// A certificate written by hand with a prefix, a ds:Signature extension, spaced hex and a time
// without a zone, as another implementation may send it.
constexpr std::string_view kPrefixed = R"(<?xml version="1.0" encoding="UTF-8"?>
<kms:KmsCertificate xmlns:kms="urn:3gpp:ns:mcsecKMSInterface:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Version="1.1.0" Role="Root">
  <kms:CertUri>cert1.kms.example.org</kms:CertUri>
  <kms:KmsUri> kms.example.org </kms:KmsUri>
  <kms:Issuer>www.example.org</kms:Issuer>
  <kms:ValidFrom>2000-01-26T00:00:00</kms:ValidFrom>
  <kms:ValidTo>2100-01-26T23:59:59Z</kms:ValidTo>
  <kms:Revoked>false</kms:Revoked>
  <kms:UserIdFormat>2</kms:UserIdFormat>
  <kms:UserKeyPeriod>2592000</kms:UserKeyPeriod>
  <kms:UserKeyOffset>0</kms:UserKeyOffset>
  <kms:PubEncKey>04 0A0B
    0C0D</kms:PubEncKey>
  <kms:PubAuthKey>04aabbcc</kms:PubAuthKey>
  <kms:ParameterSet>1</kms:ParameterSet>
  <kms:KmsDomainList>
    <kms:KmsDomain>sec1.example.org</kms:KmsDomain>
  </kms:KmsDomainList>
  <ds:Signature><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>
</kms:KmsCertificate>)";

TEST(KmsCertificate, RoundTrip) {
  KmsCertificate c = SampleCertificate();
  std::string xml = ToXml(c);
  auto parsed = ParseKmsCertificate(xml);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, c);
  EXPECT_NE(xml.find(R"(<KmsCertificate xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0")"),
            std::string::npos);
}

TEST(KmsCertificate, OutputFollowsSchemaOrder) {
  std::string xml = ToXml(SampleCertificate());
  std::vector<std::string> want = {"CertUri",       "KmsUri",    "Issuer",       "ValidFrom",
                                   "ValidTo",       "Revoked",   "UserIdFormat", "UserKeyPeriod",
                                   "UserKeyOffset", "PubEncKey", "PubAuthKey",   "ParameterSet",
                                   "KmsDomainList"};
  EXPECT_EQ(ChildNames(xml), want);
  EXPECT_EQ(ChildNames(xml, "KmsCertificate/KmsDomainList"),
            (std::vector<std::string>{"KmsDomain", "KmsDomain"}));
}

TEST(KmsCertificate, ParsesPrefixedDocumentAndSkipsSignature) {
  auto c = ParseKmsCertificate(kPrefixed);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->version, "1.1.0");
  EXPECT_EQ(c->role, "Root");
  EXPECT_EQ(c->kms_uri, "kms.example.org");
  EXPECT_EQ(c->valid_from, testing::Time("2000-01-26T00:00:00Z"));
  // 2100 lies beyond NTP era 0: clamped to its last second rather than wrapped into the past.
  EXPECT_EQ(c->valid_to, NtpTime::FromSeconds(UINT32_MAX));
  EXPECT_EQ(c->valid_to->ToIso8601(), "2036-02-07T06:28:15Z");
  EXPECT_EQ(c->key_period.length_seconds, 2592000u);
  EXPECT_EQ(c->key_period.offset_seconds, 0u);
  EXPECT_EQ(c->pub_enc_key, (Bytes{0x04, 0x0a, 0x0b, 0x0c, 0x0d}));
  EXPECT_EQ(c->pub_auth_key, (Bytes{0x04, 0xaa, 0xbb, 0xcc}));
  EXPECT_EQ(c->kms_domains, std::vector<std::string>{"sec1.example.org"});
}

TEST(KmsCertificate, TimesBeyondNtpEraZeroAreClamped) {
  for (std::string_view late : {"2036-02-07T06:28:16Z", "2036-12-31T00:00:00Z",
                                "2106-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
    std::string xml(kPrefixed);
    xml.replace(xml.find("2100-01-26T23:59:59Z"), 20, late);
    auto c = ParseKmsCertificate(xml);
    ASSERT_TRUE(c) << c.error().ToString();
    EXPECT_EQ(c->valid_to, NtpTime::FromSeconds(UINT32_MAX)) << late;
  }
  std::string xml(kPrefixed);
  xml.replace(xml.find("2100-01-26T23:59:59Z"), 20, "2036-02-07T06:28:15Z");
  EXPECT_EQ(ParseKmsCertificate(xml)->valid_to, NtpTime::FromSeconds(UINT32_MAX));
  xml.replace(xml.find("2036-02-07T06:28:15Z"), 20, "2036-02-07T06:28:14Z");
  EXPECT_EQ(ParseKmsCertificate(xml)->valid_to, NtpTime::FromSeconds(UINT32_MAX - 1));
}

TEST(KmsCertificate, OptionalElementsMayBeAbsent) {
  constexpr std::string_view kMinimal = R"(<KmsCertificate
      xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0"><KmsUri>kms.example.org</KmsUri>
      <UserIdFormat>2</UserIdFormat><UserKeyPeriod>10</UserKeyPeriod>
      <UserKeyOffset>5</UserKeyOffset><PubEncKey>04</PubEncKey><PubAuthKey>04</PubAuthKey>
      </KmsCertificate>)";
  auto c = ParseKmsCertificate(kMinimal);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_TRUE(c->cert_uri.empty());
  EXPECT_FALSE(c->valid_from.has_value());
  EXPECT_FALSE(c->revoked);
  EXPECT_EQ(c->parameter_set, 1u);
  EXPECT_EQ(c->key_period.offset_seconds, 5u);
}

// Replaces the first occurrence of from in text.
std::string Replace(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

void ExpectMalformed(std::string_view xml, std::string_view mention) {
  auto r = ParseKmsCertificate(xml);
  ASSERT_FALSE(r) << "accepted:\n" << xml;
  EXPECT_EQ(r.error().kind(), ErrorKind::kMalformed) << r.error().ToString();
  EXPECT_NE(r.error().message().find(mention), std::string::npos) << r.error().ToString();
}

TEST(KmsCertificate, RejectsMissingMandatoryElement) {
  std::string good(kPrefixed);
  ExpectMalformed(Replace(good, "<kms:PubAuthKey>04aabbcc</kms:PubAuthKey>", ""), "PubAuthKey");
  ExpectMalformed(Replace(good, "<kms:KmsUri> kms.example.org </kms:KmsUri>", ""), "KmsUri");
}

TEST(KmsCertificate, RejectsWrongOrder) {
  std::string good(kPrefixed);
  std::string swapped = Replace(good, "<kms:UserKeyPeriod>2592000</kms:UserKeyPeriod>", "");
  swapped = Replace(swapped, "<kms:ParameterSet>1</kms:ParameterSet>",
                    "<kms:ParameterSet>1</kms:ParameterSet><kms:UserKeyPeriod>2592000</"
                    "kms:UserKeyPeriod>");
  ExpectMalformed(swapped, "UserKeyPeriod");
  // Two optional elements swapped.
  std::string dates = Replace(good, "<kms:ValidFrom>2000-01-26T00:00:00</kms:ValidFrom>", "");
  dates = Replace(dates, "<kms:Revoked>",
                  "<kms:ValidFrom>2000-01-26T00:00:00</kms:ValidFrom><kms:Revoked>");
  ExpectMalformed(dates, "ValidFrom");
}

TEST(KmsCertificate, RejectsUnknownElementOfTheInterface) {
  ExpectMalformed(
      Replace(std::string(kPrefixed), "<kms:ParameterSet>", "<kms:Surprise/><kms:ParameterSet>"),
      "Surprise");
}

TEST(KmsCertificate, RejectsBadValues) {
  std::string good(kPrefixed);
  ExpectMalformed(Replace(good, "04aabbcc", "04aabbcg"), "PubAuthKey");
  ExpectMalformed(Replace(good, "04aabbcc", "04aabbc"), "PubAuthKey");
  ExpectMalformed(Replace(good, ">2592000<", ">25920x0<"), "UserKeyPeriod");
  ExpectMalformed(Replace(good, ">2592000<", ">-1<"), "UserKeyPeriod");
  ExpectMalformed(Replace(good, ">2592000<", ">99999999999999999999999<"), "UserKeyPeriod");
  ExpectMalformed(Replace(good, ">2592000<", ">0<"), "UserKeyPeriod");
  ExpectMalformed(Replace(good, ">false<", ">maybe<"), "Revoked");
  ExpectMalformed(Replace(good, "2000-01-26T00:00:00<", "2000-13-26T00:00:00<"), "ValidFrom");
  ExpectMalformed(Replace(good, "<kms:PubAuthKey>04aabbcc", "<kms:PubAuthKey><kms:X/>04aabbcc"),
                  "PubAuthKey");
  ExpectMalformed(Replace(good, "<kms:Issuer>", "stray text<kms:Issuer>"), "text");
}

TEST(KmsCertificate, RejectsWrongNamespaceAndRoot) {
  std::string good(kPrefixed);
  ExpectMalformed(Replace(good, "urn:3gpp:ns:mcsecKMSInterface:1.0", "urn:example:other"),
                  "wrong namespace");
  // A mandatory element in a foreign namespace is an extension, so the element is missing.
  ExpectMalformed(Replace(good, "<kms:PubAuthKey>04aabbcc</kms:PubAuthKey>",
                          "<ds:PubAuthKey>04aabbcc</ds:PubAuthKey>"),
                  "PubAuthKey");
  ExpectMalformed(Replace(good, "<kms:KmsCertificate xmlns:kms", "<bad:KmsCertificate xmlns:kms"),
                  "XML");  // unbalanced end tag
  auto key_set = ParseKmsCertificate(R"(<KmsKeySet xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0"/>)");
  ASSERT_FALSE(key_set);
  EXPECT_NE(key_set.error().message().find("expected a KmsCertificate"), std::string::npos);
}

TEST(KmsCertificate, RejectsTruncatedAndOversizedInput) {
  std::string xml = ToXml(SampleCertificate());
  for (size_t n : {size_t{0}, size_t{10}, xml.size() / 2, xml.size() - 3}) {
    auto r = ParseKmsCertificate(std::string_view(xml).substr(0, n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().kind(), ErrorKind::kMalformed);
  }
  std::string big = xml;
  big.insert(big.find("<CertUri>"), std::string(xml::kMaxDocumentBytes, ' '));
  auto r = ParseKmsCertificate(big);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("exceeds the limit"), std::string::npos);
}

TEST(KmsCertificate, BoundsDomainCount) {
  KmsCertificate c = SampleCertificate();
  c.kms_domains.assign(kMaxKmsDomains, "d.example.org");
  ASSERT_TRUE(ParseKmsCertificate(ToXml(c)));
  c.kms_domains.push_back("one.too.many");
  ExpectMalformed(ToXml(c), "KmsDomain");
}

}  // namespace
}  // namespace kb::kms
