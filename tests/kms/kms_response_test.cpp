// TS 33.180 Annex D (D.3): KmsResponse round trips for each KmsMessage, order, malformed input.
#include "kms/kms_response.h"

#include <gtest/gtest.h>

#include "kms/kms_samples.h"

namespace kb::kms {
namespace {

using testing::ChildNames;
using testing::SampleCertificate;
using testing::SampleKeySet;

std::string Text(const SecretBytes& s) { return std::string(AsString(s.Reveal())); }

KmsResponse Envelope(KmsMessage message) {
  KmsResponse r;
  r.user_uri = "sip:user@example.org";
  r.kms_uri = "kms.example.org";
  r.time = testing::Time("2026-11-23T03:35:32Z");
  r.kms_id = "KMSProvAuth";
  r.client_req_url = "https://kms.example.org/keymanagement/identity/v1/keyprov";
  r.message = std::move(message);
  return r;
}

void ExpectRoundTrip(const KmsResponse& r) {
  std::string xml = Text(ToXml(r));
  auto parsed = ParseKmsResponse(xml);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_TRUE(*parsed == r) << xml;
  std::vector<std::string> head = {"UserUri", "KmsUri",       "Time",
                                   "KmsId",   "ClientReqUrl", "KmsMessage"};
  EXPECT_EQ(ChildNames(xml), head);
}

TEST(KmsResponse, RoundTripInit) {
  KmsInit init{SampleCertificate(), std::nullopt};
  ExpectRoundTrip(Envelope(std::move(init)));
  KmsInit with_trk{SampleCertificate(), SecretBytes(testing::Pattern(32, 1))};
  ExpectRoundTrip(Envelope(std::move(with_trk)));
}

TEST(KmsResponse, RoundTripKeyProv) {
  KmsKeyProv none;
  ExpectRoundTrip(Envelope(std::move(none)));
  KmsKeyProv two;
  two.key_sets.push_back(SampleKeySet());
  KmsKeySet next = SampleKeySet();
  next.key_period_no = 1515;
  two.key_sets.push_back(std::move(next));
  KmsResponse r = Envelope(std::move(two));
  ExpectRoundTrip(r);
  EXPECT_EQ(ChildNames(Text(ToXml(r)), "KmsResponse/KmsMessage/KmsKeyProv"),
            (std::vector<std::string>{"KmsKeySet", "KmsKeySet"}));
}

TEST(KmsResponse, RoundTripCertCacheAndError) {
  KmsCertCache cache;
  cache.cache_num = 7;
  cache.certificates.push_back(SampleCertificate());
  KmsCertificate ext = SampleCertificate();
  ext.role = "External";
  ext.kms_uri = "kms.other.org";
  cache.certificates.push_back(ext);
  KmsResponse r = Envelope(std::move(cache));
  ExpectRoundTrip(r);
  EXPECT_NE(Text(ToXml(r)).find(R"(<KmsCertCache CacheNum="7">)"), std::string::npos);
  ExpectRoundTrip(Envelope(KmsError{403, "user not authorised"}));
}

// As another implementation may send it: prefixed, the certificate inside SignedKmsCertificate
// with a ds:Signature, times without a zone.
constexpr std::string_view kPrefixedInit = R"(<?xml version="1.0" encoding="UTF-8"?>
<m:KmsResponse xmlns:m="urn:3gpp:ns:mcsecKMSInterface:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Version="1.0.0">
  <m:UserUri>sip:user@example.org</m:UserUri>
  <m:KmsUri>kms.example.org</m:KmsUri>
  <m:Time>2014-01-26T10:05:52</m:Time>
  <m:KmsId>KMSProvAuth</m:KmsId>
  <m:ClientReqUrl>http://kms.example.org/keymanagement/identity/v1/init</m:ClientReqUrl>
  <m:KmsMessage>
    <m:KmsInit Version="1.0.0">
      <m:SignedKmsCertificate>
        <m:KmsCertificate Version="1.1.0" Role="Root">
          <m:CertUri>cert1.kms.example.org</m:CertUri>
          <m:KmsUri>kms.example.org</m:KmsUri>
          <m:Issuer>www.example.org</m:Issuer>
          <m:ValidFrom>2000-01-26T00:00:00</m:ValidFrom>
          <m:ValidTo>2100-01-26T23:59:59</m:ValidTo>
          <m:Revoked>false</m:Revoked>
          <m:UserIdFormat>2</m:UserIdFormat>
          <m:UserKeyPeriod>2592000</m:UserKeyPeriod>
          <m:UserKeyOffset>0</m:UserKeyOffset>
          <m:PubEncKey>04AB</m:PubEncKey>
          <m:PubAuthKey>04CD</m:PubAuthKey>
          <m:ParameterSet>1</m:ParameterSet>
          <m:KmsDomainList><m:KmsDomain>sec1.example.org</m:KmsDomain></m:KmsDomainList>
        </m:KmsCertificate>
        <ds:Signature><ds:SignedInfo/></ds:Signature>
      </m:SignedKmsCertificate>
    </m:KmsInit>
  </m:KmsMessage>
</m:KmsResponse>)";

TEST(KmsResponse, ParsesPrefixedSignedInit) {
  auto r = ParseKmsResponse(kPrefixedInit);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->version, "1.0.0");
  EXPECT_EQ(r->time, testing::Time("2014-01-26T10:05:52Z"));
  const auto* init = std::get_if<KmsInit>(&r->message);
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(init->certificate.kms_uri, "kms.example.org");
  EXPECT_EQ(init->certificate.pub_enc_key, (Bytes{0x04, 0xab}));
  EXPECT_FALSE(init->new_transport_key.has_value());
}

TEST(KmsResponse, AcceptsKmsErrorInPlaceOfKmsMessage) {
  std::string xml(kPrefixedInit);
  size_t from = xml.find("<m:KmsMessage>");
  size_t to = xml.find("</m:KmsMessage>") + std::string_view("</m:KmsMessage>").size();
  xml.replace(from, to - from,
              "<m:KmsError><m:ErrorCode>500</m:ErrorCode><m:ErrorMsg>busy</m:ErrorMsg>"
              "</m:KmsError>");
  auto r = ParseKmsResponse(xml);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(std::get<KmsError>(r->message), (KmsError{500, "busy"}));
}

void ExpectMalformed(const std::string& xml, std::string_view mention) {
  auto r = ParseKmsResponse(xml);
  ASSERT_FALSE(r) << "accepted:\n" << xml;
  EXPECT_EQ(r.error().kind(), ErrorKind::kMalformed) << r.error().ToString();
  EXPECT_NE(r.error().message().find(mention), std::string::npos) << r.error().ToString();
}

TEST(KmsResponse, RejectsMalformed) {
  std::string good(kPrefixedInit);
  auto without = [&](std::string_view part) {
    std::string s = good;
    s.erase(s.find(part), part.size());
    return s;
  };
  ExpectMalformed(without("<m:Time>2014-01-26T10:05:52</m:Time>"), "Time");
  ExpectMalformed(without("<m:PubAuthKey>04CD</m:PubAuthKey>"), "PubAuthKey");
  // KmsId after ClientReqUrl.
  std::string moved = without("<m:KmsId>KMSProvAuth</m:KmsId>");
  moved.insert(moved.find("<m:KmsMessage>"), "<m:KmsId>KMSProvAuth</m:KmsId>");
  ExpectMalformed(moved, "KmsId");
  std::string empty_message = good;
  size_t from = empty_message.find("<m:KmsInit");
  size_t to = empty_message.find("</m:KmsMessage>");
  empty_message.erase(from, to - from);
  ExpectMalformed(empty_message, "KmsInit");
  std::string cache = good;
  cache.replace(cache.find("<m:KmsInit Version=\"1.0.0\">"), 27, "<m:KmsCertCache CacheNum=\"x\">");
  cache.replace(cache.find("</m:KmsInit>"), 12, "</m:KmsCertCache>");
  ExpectMalformed(cache, "CacheNum");
}

TEST(KmsResponse, BoundsKeySetCount) {
  KmsKeyProv prov;
  for (size_t i = 0; i <= kMaxKeySets; ++i) prov.key_sets.push_back(SampleKeySet());
  std::string xml = Text(ToXml(Envelope(std::move(prov))));
  ExpectMalformed(xml, "KmsKeySet");
}

TEST(KmsResponse, RejectsWrongNamespace) {
  std::string other(kPrefixedInit);
  other.replace(other.find("urn:3gpp:ns:mcsecKMSInterface:1.0"), 33, "urn:3gpp:ns:mcsecKMSKRR:1.0");
  ExpectMalformed(other, "wrong namespace");
}

}  // namespace
}  // namespace kb::kms
