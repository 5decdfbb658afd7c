// TS 23.283 10.12 SIP MESSAGE bodies: both carriers round trip; malformed parts are refused
// with errors that name what is wrong.
#include "mc_endpoint/security_message_sip.h"

#include <gtest/gtest.h>

namespace kb::mc_endpoint {
namespace {

const InfoAddressing kAddr{"sip:alice@example.org", "sip:iwf@example.org"};

mc::SecurityMessageRequest Request() {
  mc::MessageId id{};
  id[0] = 0x42;
  return {"sip:alice@example.org", "sip:iwf@example.org", mc::LmrType::kP25, {0xde, 0xad}, id};
}

TEST(SecurityMessageSip, InterworkingDataRoundTrip) {
  auto parts = BuildSecurityMessageBody(kAddr, Request());
  ASSERT_TRUE(parts) << parts.error().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].content_type, kMcpttInfoMime);
  EXPECT_EQ((*parts)[1].content_type, mc::kInterworkingDataMime);
  auto body = ParseSecurityMessageBody(*parts);
  ASSERT_TRUE(body) << body.error().message();
  EXPECT_EQ(body->addressing, kAddr);
  EXPECT_EQ(std::get<mc::SecurityMessageRequest>(body->message), Request());
  auto any = ParseMessageBody(*parts);
  ASSERT_TRUE(any);
  EXPECT_STREQ(MessageKindName(*any), "request");
  EXPECT_EQ(PayloadLength(*any), 2u);
  EXPECT_EQ(MessageIdOf(*any), Request().message_id);
  EXPECT_EQ(DetectCarrier(*parts), Carrier::kInterworkingData);
}

TEST(SecurityMessageSip, McpttInfoXmlHasTheTargetAndCaller) {
  std::string xml = McpttInfoXml(kAddr);
  EXPECT_NE(xml.find("<mcptt-request-uri type=\"Normal\"><mcpttURI>sip:alice@example.org"),
            std::string::npos);
  EXPECT_NE(xml.find("<mcptt-calling-user-id type=\"Normal\"><mcpttURI>sip:iwf@example.org"),
            std::string::npos);
  EXPECT_NE(xml.find("urn:3gpp:ns:mcpttInfo:1.0"), std::string::npos);
  // Plain text content (no mcpttURI child) is accepted too.
  std::string plain =
      "<mcpttinfo><mcptt-Params><mcptt-request-uri>sip:a@x</mcptt-request-uri>"
      "<mcptt-calling-user-id>sip:b@x</mcptt-calling-user-id></mcptt-Params></mcpttinfo>";
  auto a = ParseInfoXml(AsBytes(plain));
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->request_uri, "sip:a@x");
  EXPECT_EQ(a->calling_user_id, "sip:b@x");
}

TEST(SecurityMessageSip, SdsRoundTripAndResponse) {
  SdsSecurityMessage m;
  m.addressing = {"sip:bob@example.org", "sip:kmf@example.org"};
  m.lmr_type = mc::LmrType::kTetra;
  m.payload = {1, 2, 3};
  m.message_id[15] = 7;
  m.date_time = 1700000000;
  auto parts = BuildSdsMessageBody(m);
  ASSERT_TRUE(parts) << parts.error().message();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ(DetectCarrier(*parts), Carrier::kSds);
  auto back = ParseSdsMessageBody(*parts);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, m);

  SdsSecurityMessage r;
  r.addressing = {"sip:kmf@example.org", "sip:bob@example.org"};
  r.in_reply_to = m.message_id;
  r.message_id[0] = 9;
  r.date_time = 1700000001;
  auto rp = BuildSdsMessageBody(r);
  ASSERT_TRUE(rp) << rp.error().message();
  auto any = ParseMessageBody(*rp);
  ASSERT_TRUE(any) << any.error().message();
  EXPECT_STREQ(MessageKindName(*any), "sds-response");
  EXPECT_EQ(std::get<SdsSecurityMessage>(*any).in_reply_to, m.message_id);
  // A request needs a payload.
  SdsSecurityMessage empty = m;
  empty.payload.clear();
  EXPECT_FALSE(BuildSdsMessageBody(empty));
}

TEST(SecurityMessageSip, RefusesMissingAndBrokenParts) {
  auto parts = *BuildSecurityMessageBody(kAddr, Request());
  {
    std::vector<net::BodyPart> only_data{parts[1]};
    auto r = ParseSecurityMessageBody(only_data);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("mcptt-info+xml"), std::string::npos);
  }
  {
    std::vector<net::BodyPart> only_xml{parts[0]};
    auto r = ParseSecurityMessageBody(only_xml);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("interworking-data"), std::string::npos);
  }
  {
    auto bad = parts;
    bad[0].data = ToBytes("<mcpttinfo><mcptt-Params>");
    auto r = ParseSecurityMessageBody(bad);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("does not parse"), std::string::npos);
  }
  {
    auto bad = parts;
    bad[0].data = ToBytes("<mcpttinfo><mcptt-Params/></mcpttinfo>");
    auto r = ParseSecurityMessageBody(bad);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("mcptt-request-uri"), std::string::npos);
  }
  {
    auto bad = parts;
    bad[1].data.resize(bad[1].data.size() - 1);  // truncated payload IE
    auto r = ParseSecurityMessageBody(bad);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("interworking-data"), std::string::npos);
  }
  {
    auto bad = parts;
    bad[0].data.assign(kMaxInfoXml + 1, 'x');
    EXPECT_FALSE(ParseSecurityMessageBody(bad));
  }
  EXPECT_FALSE(BuildSecurityMessageBody({"", "sip:b@x"}, Request()));
  EXPECT_FALSE(BuildSecurityMessageBody({"sip:a@x\r\nX: y", "sip:b@x"}, Request()));
}

TEST(SecurityMessageSip, SdsForeignApplicationIsUnsupported) {
  SdsSecurityMessage m;
  m.addressing = {"sip:bob@example.org", "sip:kmf@example.org"};
  m.payload = {1};
  auto parts = *BuildSdsMessageBody(m);
  mc::SdsSignallingPayload sig;
  sig.extended_application_id = "urn:example:chat";
  parts[1].data = *mc::EncodeSdsSignallingPayload(sig);
  auto r = ParseSdsMessageBody(parts);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnsupported);
  // Two payloads are refused.
  mc::SdsDataPayload two{
      {{mc::PayloadContentType::kBinary, {1}}, {mc::PayloadContentType::kBinary, {2}}}};
  parts = *BuildSdsMessageBody(m);
  parts[2].data = *mc::EncodeSdsDataPayload(two);
  auto r2 = ParseSdsMessageBody(parts);
  ASSERT_FALSE(r2);
  EXPECT_NE(r2.error().message().find("2 payloads"), std::string::npos);
}

}  // namespace
}  // namespace kb::mc_endpoint
