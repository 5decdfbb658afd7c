// RFC 3261 clause 7 messages and RFC 2046 multipart bodies on oSIP: parse, build, round trip.
#include "net/sip_message.h"

#include <gtest/gtest.h>

#include "net/sip_multipart.h"

namespace kb::net {
namespace {

const char* kMessage =
    "MESSAGE sip:bob@example.org SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:alice@example.org>;tag=49583\r\n"
    "To: <sip:bob@example.org>\r\n"
    "Call-ID: asd88asd77a@192.0.2.1\r\n"
    "CSeq: 7 MESSAGE\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello";

std::string Without(std::string text, const std::string& line) {
  auto pos = text.find(line);
  EXPECT_NE(pos, std::string::npos) << line;
  text.erase(pos, line.size());
  return text;
}

TEST(SipMessage, ParsesRequestFields) {
  auto m = SipMessage::Parse(kMessage);
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_TRUE(m->IsRequest());
  EXPECT_EQ(m->Method(), "MESSAGE");
  EXPECT_EQ(m->RequestUri(), "sip:bob@example.org");
  EXPECT_EQ(m->CallId(), "asd88asd77a@192.0.2.1");
  EXPECT_EQ(m->CSeqNumber(), 7u);
  EXPECT_EQ(m->FromUri(), "sip:alice@example.org");
  EXPECT_EQ(m->FromTag(), "49583");
  EXPECT_EQ(m->ToTag(), "");
  EXPECT_EQ(m->TopViaBranch(), "z9hG4bK776asdhds");
  EXPECT_EQ(m->TopViaTransport(), "UDP");
  EXPECT_EQ(m->TopViaHost(), "192.0.2.1");
  EXPECT_EQ(m->TopViaPort(), 5060);
  EXPECT_TRUE(m->TopViaHasRport());
  EXPECT_EQ(m->Header("max-forwards"), "70");
  EXPECT_EQ(m->ContentType(), "text/plain");
  EXPECT_EQ(m->Body(), ToBytes("hello"));
}

TEST(SipMessage, SerialiseRoundTrip) {
  auto m = SipMessage::Parse(kMessage);
  ASSERT_TRUE(m);
  auto wire = m->Serialise();
  ASSERT_TRUE(wire);
  auto again = SipMessage::Parse(*wire);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->CallId(), m->CallId());
  EXPECT_EQ(again->Body(), m->Body());
  EXPECT_EQ(*again->Serialise(), *wire);
}

TEST(SipMessage, RefusesMissingMandatoryHeaders) {
  for (const char* line :
       {"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport\r\n",
        "From: <sip:alice@example.org>;tag=49583\r\n", "To: <sip:bob@example.org>\r\n",
        "Call-ID: asd88asd77a@192.0.2.1\r\n", "CSeq: 7 MESSAGE\r\n"}) {
    auto m = SipMessage::Parse(Without(kMessage, line));
    ASSERT_FALSE(m) << line;
    EXPECT_EQ(m.error().kind(), ErrorKind::kMalformed);
    std::string name(line, std::string_view(line).find(':'));
    EXPECT_NE(m.error().message().find(name), std::string::npos) << m.error().message();
  }
}

TEST(SipMessage, RefusesCSeqMethodMismatchAndGarbage) {
  std::string bad = kMessage;
  bad.replace(bad.find("7 MESSAGE"), 9, "7 INVITE");
  auto m = SipMessage::Parse(bad);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message().find("CSeq"), std::string::npos);
  EXPECT_FALSE(SipMessage::Parse(""));
  EXPECT_FALSE(SipMessage::Parse("hello\r\n\r\n"));
  EXPECT_FALSE(SipMessage::Parse("MESSAGE sip:a@b SIP/3.0\r\n\r\n"));
  // The lenient parse for 400s still finds the headers of the mismatched one.
  EXPECT_TRUE(SipMessage::ParseForErrorResponse(bad));
}

TEST(SipMessage, ResponseCopiesHeadersAndAddsToTag) {
  auto req = SipMessage::Parse(kMessage);
  ASSERT_TRUE(req);
  auto resp = SipMessage::ResponseTo(*req, 200, "OK");
  ASSERT_TRUE(resp);
  auto parsed = SipMessage::Parse(*resp->Serialise());
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_FALSE(parsed->IsRequest());
  EXPECT_EQ(parsed->StatusCode(), 200);
  EXPECT_EQ(parsed->Method(), "MESSAGE");
  EXPECT_EQ(parsed->CallId(), req->CallId());
  EXPECT_EQ(parsed->CSeqNumber(), 7u);
  EXPECT_EQ(parsed->TopViaBranch(), req->TopViaBranch());
  EXPECT_EQ(parsed->FromTag(), "49583");
  EXPECT_FALSE(parsed->ToTag().empty());
  auto trying = SipMessage::ResponseTo(*req, 100, "Trying");
  ASSERT_TRUE(trying);
  EXPECT_EQ(trying->ToTag(), "");
  EXPECT_FALSE(SipMessage::ResponseTo(*req, 99, "x"));
  EXPECT_FALSE(SipMessage::ResponseTo(*parsed, 200, "OK"));
}

TEST(SipMessage, StampsReceivedAndRport) {
  auto req = SipMessage::Parse(kMessage);
  ASSERT_TRUE(req);
  req->StampTopVia("198.51.100.7", 40000);
  auto via = req->Header("Via");
  ASSERT_TRUE(via);
  EXPECT_NE(via->find("received=198.51.100.7"), std::string::npos) << *via;
  EXPECT_NE(via->find("rport=40000"), std::string::npos) << *via;
}

TEST(SipMessage, AddHeaderRefusesMalformedKnownHeader) {
  SipMessage m = SipMessage::Request("MESSAGE", "sip:bob@example.org");
  EXPECT_TRUE(m.AddHeader("X-Custom", "value"));
  EXPECT_EQ(m.Header("x-custom"), "value");
  EXPECT_FALSE(m.AddHeader("CSeq", "not-a-cseq"));
}

TEST(Multipart, RoundTripKeepsBinaryParts) {
  auto m = SipMessage::Parse(kMessage);
  ASSERT_TRUE(m);
  Bytes binary = {0x00, 0x01, '\r', '\n', '-', '-', 'k', 'b', '-', '\r', '\n', 0xff, 0x00};
  std::vector<BodyPart> parts = {
      {"application/vnd.3gpp.mcptt-info+xml",
       ToBytes("<mcpttinfo><mcptt-Params><mcptt-request-uri>sip:bob@example.org"
               "</mcptt-request-uri></mcptt-Params></mcpttinfo>")},
      {"application/vnd.3gpp.interworking-data", binary},
  };
  ASSERT_TRUE(SetMultipartBody(*m, parts));
  auto wire = m->Serialise();
  ASSERT_TRUE(wire);
  auto parsed = SipMessage::Parse(*wire);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->ContentType(), "multipart/mixed");
  EXPECT_FALSE(parsed->ContentTypeParam("boundary").empty());
  auto got = BodyParts(*parsed);
  ASSERT_TRUE(got) << got.error().ToString();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0], parts[0]);
  EXPECT_EQ((*got)[1], parts[1]);
  const BodyPart* iw = FindPart(*got, "Application/Vnd.3gpp.Interworking-Data");
  ASSERT_NE(iw, nullptr);
  EXPECT_EQ(iw->data, binary);
  EXPECT_EQ(FindPart(*got, "application/vnd.3gpp.mcdata-info+xml"), nullptr);
}

TEST(Multipart, SingleBodyIsOnePartAndEmptyIsNone) {
  auto m = SipMessage::Parse(kMessage);
  ASSERT_TRUE(m);
  auto parts = BodyParts(*m);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].content_type, "text/plain");
  EXPECT_EQ((*parts)[0].data, ToBytes("hello"));
  SipMessage empty = SipMessage::Request("MESSAGE", "sip:bob@example.org");
  auto none = BodyParts(empty);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(Multipart, RefusesAPartWithTwoContentTypes) {
  // oSIP 5.3 would leak the first one; SipMessage::Parse refuses the message first.
  std::string body =
      "--b\r\nContent-Type: text/plain\r\ncontent-type : text/html\r\n\r\nhi\r\n--b--\r\n";
  std::string text =
      std::string(kMessage, std::string_view(kMessage).find("Content-Type")) +
      "Content-Type: multipart/mixed;boundary=b\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  auto m = SipMessage::Parse(text);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message().find("two Content-Type"), std::string::npos);
  body.replace(body.find("content-type : text/html"), 24, "X-Other: 1");
  text =
      std::string(kMessage, std::string_view(kMessage).find("Content-Type")) +
      "Content-Type: multipart/mixed;boundary=b\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  auto ok = SipMessage::Parse(text);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(BodyParts(*ok)->size(), 1u);
}

TEST(Multipart, RefusesBadInput) {
  auto m = SipMessage::Parse(kMessage);
  ASSERT_TRUE(m);
  EXPECT_FALSE(SetMultipartBody(*m, {}));
  std::vector<BodyPart> no_type = {{"", ToBytes("x")}};
  EXPECT_FALSE(SetMultipartBody(*m, no_type));
  std::string no_boundary = kMessage;
  no_boundary.replace(no_boundary.find("text/plain"), 10, "multipart/mixed");
  auto nb = SipMessage::Parse(no_boundary);
  // Either oSIP refuses it or BodyParts does; it never yields parts.
  EXPECT_FALSE(nb && BodyParts(*nb));
}

// A MESSAGE with a multipart/mixed body `body` (boundary "b").
std::string WithMultipart(const std::string& body) {
  return std::string(kMessage, std::string_view(kMessage).find("Content-Type")) +
         "Content-Type: multipart/mixed;boundary=b\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(Multipart, ReceivedBodyIsSplitWithPreambleEpilogueAndHeaderlessPart) {
  std::string body =
      "preamble\r\n--b\r\nContent-Type: text/plain\r\nX-Other: 1\r\n\r\nhi\r\n"
      "--b  \r\n\r\n-b\r\n--b--\r\nepilogue";
  auto m = SipMessage::Parse(WithMultipart(body));
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->ReceivedBody(), body);
  EXPECT_EQ(m->BodySize(), body.size());
  auto parts = BodyParts(*m);
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0], (BodyPart{"text/plain", ToBytes("hi")}));
  // Transport padding after the delimiter; no headers: text/plain (RFC 2046 5.1).
  EXPECT_EQ((*parts)[1], (BodyPart{"text/plain", ToBytes("-b")}));
  // Serialise keeps the body as received.
  auto wire = m->Serialise();
  ASSERT_TRUE(wire);
  EXPECT_TRUE(wire->ends_with("\r\n\r\n" + body)) << *wire;
  EXPECT_NE(wire->find("Content-Length: " + std::to_string(body.size())), std::string::npos);
}

TEST(Multipart, MalformedReceivedBodiesAreRefused) {
  for (const char* body : {
           "no delimiter at all",
           "--b--\r\n",                                       // no part
           "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n",   // no closing delimiter
           "--b junk\r\n\r\nhi\r\n--b--",                     // delimiter line not ended
           "--b\r\nContent-Type: text/plain\r\nhi\r\n--b--",  // no blank line after headers
           "--b\r\nContent-Type: ///\r\n\r\nhi\r\n--b--",     // Content-Type does not parse
           "--b\r\nno colon here\r\n\r\nhi\r\n--b--",
       }) {
    auto m = SipMessage::Parse(WithMultipart(body));
    if (!m) continue;  // refused by the parse itself
    auto parts = BodyParts(*m);
    EXPECT_FALSE(parts) << body;
    if (!parts) {
      EXPECT_EQ(parts.error().kind(), ErrorKind::kMalformed) << body;
    }
  }
}

TEST(SipMessage, ContentLengthBoundsTheReceivedBody) {
  std::string text = kMessage;
  auto longer = SipMessage::Parse(text + "trailing");
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->Body(), ToBytes("hello"));
  std::string shorter = text.substr(0, text.size() - 1);
  EXPECT_FALSE(SipMessage::Parse(shorter));
  std::string no_length = Without(text, "Content-Length: 5\r\n");
  EXPECT_FALSE(SipMessage::Parse(no_length));  // a body other than SDP needs Content-Length
}

}  // namespace
}  // namespace kb::net
