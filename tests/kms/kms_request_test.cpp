// TS 33.180 Annex D (D.2.2, Table D.2.2-1): KmsRequest round trips, order and malformed input.
#include "kms/kms_request.h"

#include <gtest/gtest.h>

#include "kms/kms_samples.h"

namespace kb::kms {
namespace {

using testing::ChildNames;

KmsRequest Full() {
  KmsRequest r;
  r.user_uri = "sip:user@example.org";
  r.kms_uri = "kms.example.org";
  r.client_id = "client-1";
  r.device_id = "device-1";
  r.time = testing::Time("2026-11-23T03:35:32Z");
  r.client_req_url = "https://kms.example.org/keymanagement/identity/v1/keyprov";
  r.krr_list = {R"(<KmsRedirectResponse xmlns="urn:3gpp:ns:mcsecKMSKRR:1.0" Id="r1"/>)"};
  r.client_error = "none";
  r.trk_id = "0102";
  r.signature_id = "0304";
  return r;
}

TEST(KmsRequest, RoundTripAndOrder) {
  KmsRequest r = Full();
  std::string xml = ToXml(r);
  auto parsed = ParseKmsRequest(xml);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, r);
  std::vector<std::string> want = {"UserUri", "KmsUri",       "ClientId", "DeviceId",
                                   "Time",    "ClientReqUrl", "KrrList",  "ClientError",
                                   "TrK-ID",  "Signature-ID"};
  EXPECT_EQ(ChildNames(xml), want);
  EXPECT_NE(xml.find(R"(<KmsRequest xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0" Version="1.1.0">)"),
            std::string::npos);
}

TEST(KmsRequest, MinimalRoundTrip) {
  KmsRequest r;
  r.user_uri = "sip:user@example.org";
  r.kms_uri = "kms.example.org";
  r.time = testing::Time("2026-01-01T00:00:00Z");
  r.client_req_url = "https://kms.example.org/keymanagement/identity/v1/init";
  std::string xml = ToXml(r);
  auto parsed = ParseKmsRequest(xml);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, r);
  EXPECT_EQ(ChildNames(xml),
            (std::vector<std::string>{"UserUri", "KmsUri", "Time", "ClientReqUrl"}));
}

TEST(KmsRequest, ParsesPrefixedAndRejectsMalformed) {
  constexpr std::string_view kPrefixed = R"(<p:KmsRequest
      xmlns:p="urn:3gpp:ns:mcsecKMSInterface:1.0" Version="1.1.0">
    <p:UserUri>sip:user@example.org</p:UserUri><p:KmsUri>kms.example.org</p:KmsUri>
    <p:Time>2026-11-23T04:35:32+01:00</p:Time>
    <p:ClientReqUrl>https://kms.example.org/keymanagement/identity/v1/init</p:ClientReqUrl>
  </p:KmsRequest>)";
  auto r = ParseKmsRequest(kPrefixed);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->time, testing::Time("2026-11-23T03:35:32Z"));

  std::string no_time(kPrefixed);
  no_time.erase(no_time.find("<p:Time>"),
                no_time.find("<p:ClientReqUrl>") - no_time.find("<p:Time>"));
  auto missing = ParseKmsRequest(no_time);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("Time"), std::string::npos);

  std::string bad_time(kPrefixed);
  bad_time.replace(bad_time.find("2026-11-23T04"), 13, "2026-11-23X04");
  auto bt = ParseKmsRequest(bad_time);
  ASSERT_FALSE(bt);
  EXPECT_NE(bt.error().message().find("Time"), std::string::npos);

  std::string late(kPrefixed);
  late.insert(late.find("</p:KmsRequest>"), "<p:ClientId>c</p:ClientId>");
  auto lt = ParseKmsRequest(late);
  ASSERT_FALSE(lt);
  EXPECT_NE(lt.error().message().find("ClientId"), std::string::npos);
}

TEST(KmsRequest, BoundsKrrCount) {
  KmsRequest r = Full();
  r.krr_list.assign(kMaxKrrs + 1, R"(<KmsRedirectResponse xmlns="urn:3gpp:ns:mcsecKMSKRR:1.0"/>)");
  auto parsed = ParseKmsRequest(ToXml(r));
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("KrrList"), std::string::npos);
}

}  // namespace
}  // namespace kb::kms
