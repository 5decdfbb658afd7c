// RFC 3261 relay fast path: SIP tokens (8.1.1.4, 8.1.1.7, 19.3), responses printed header by
// header (8.2.6), requests assembled as text (SipStack::SendPrepared) and multipart bodies as
// text (RFC 2046 5.1), checked by parsing them back with oSIP.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "net/sip_multipart.h"
#include "net/sip_stack.h"
#include "net/sip_token.h"

namespace kb::net {
namespace {

using namespace std::chrono_literals;

std::vector<BodyPart> Parts() {
  return {{"application/vnd.3gpp.mcptt-info+xml", ToBytes("<mcpttinfo>x</mcpttinfo>")},
          // Binary with CR LF, a dash pair and a NUL: passed unchanged.
          {"application/vnd.3gpp.interworking-data",
           Bytes{0x01, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff, 0x0d, 0x0a}}};
}

std::string RawRequest(std::string_view extra_via = "") {
  return "MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKabc;rport\r\n" +
         std::string(extra_via) +
         "Max-Forwards: 70\r\n"
         "From: \"Alice\" <sip:alice@example.org>;tag=a1\r\n"
         "To: <sip:bob@example.org>\r\n"
         "Call-ID: c1@example.org\r\n"
         "CSeq: 7 MESSAGE\r\n"
         "Content-Type: text/plain\r\n"
         "Content-Length: 5\r\n\r\nhello";
}

TEST(SipToken, HexOfTheRequestedLengthAndNeverRepeated) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {  // crosses several buffer refills
    std::string t = SipToken(12);
    ASSERT_EQ(t.size(), 24u);
    ASSERT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
    ASSERT_TRUE(seen.insert(t).second) << "repeated token " << t;
  }
  // Other threads draw from their own buffers: still distinct.
  std::string other;
  std::thread([&] { other = SipToken(8); }).join();
  EXPECT_EQ(other.size(), 16u);
  EXPECT_FALSE(seen.contains(other));
  EXPECT_THROW(SipToken(0), std::invalid_argument);
  EXPECT_THROW(SipToken(33), std::invalid_argument);
}

TEST(SipMessage, ResponseTextParsesBackWithTheRequestHeaders) {
  auto req = SipMessage::Parse(RawRequest("Via: SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKdef\r\n"));
  ASSERT_TRUE(req) << req.error().ToString();
  req->StampTopVia("192.0.2.7", 40000);
  auto text = SipMessage::ResponseText(*req, 403, "Forbidden: not you");
  ASSERT_TRUE(text) << text.error().ToString();
  EXPECT_TRUE(text->starts_with("SIP/2.0 403 Forbidden: not you\r\n"));
  auto resp = SipMessage::Parse(*text);
  ASSERT_TRUE(resp) << resp.error().ToString() << "\n" << *text;
  EXPECT_EQ(resp->StatusCode(), 403);
  EXPECT_EQ(resp->ReasonPhrase(), "Forbidden: not you");
  EXPECT_EQ(resp->CallId(), "c1@example.org");
  EXPECT_EQ(resp->CSeqNumber(), 7u);
  EXPECT_EQ(resp->Method(), "MESSAGE");
  EXPECT_EQ(resp->FromUri(), "sip:alice@example.org");
  EXPECT_EQ(resp->FromTag(), "a1");
  EXPECT_EQ(resp->ToUri(), "sip:bob@example.org");
  EXPECT_EQ(resp->ToTag().size(), 12u);  // added
  EXPECT_EQ(resp->TopViaBranch(), "z9hG4bKabc");
  auto vias = resp->Headers("Via");
  ASSERT_EQ(vias.size(), 2u);
  EXPECT_NE(vias[0].find("received=192.0.2.7"), std::string::npos);
  EXPECT_NE(vias[0].find("rport=40000"), std::string::npos);
  EXPECT_EQ(resp->BodySize(), 0u);
  // The same headers as the message-building path.
  auto built = SipMessage::ResponseTo(*req, 403, "Forbidden: not you");
  ASSERT_TRUE(built);
  EXPECT_EQ(built->Headers("Via"), vias);
  // 100 Trying gets no tag; an existing tag is kept.
  auto trying = SipMessage::Parse(*SipMessage::ResponseText(*req, 100, "Trying"));
  ASSERT_TRUE(trying);
  EXPECT_EQ(trying->ToTag(), "");
  // Refusals: status range, a response instead of a request.
  EXPECT_FALSE(SipMessage::ResponseText(*req, 99, "x"));
  EXPECT_FALSE(SipMessage::ResponseText(*resp, 200, "OK"));
}

TEST(SipMessage, ReceivedBodyIsTheBodyAsSent) {
  auto req = SipMessage::Parse(RawRequest());
  ASSERT_TRUE(req);
  EXPECT_EQ(req->ReceivedBody(), "hello");
  EXPECT_EQ(req->ContentTypeValue(), "text/plain");
  EXPECT_EQ(req->Clone().ReceivedBody(), "hello");
  // Octets after Content-Length (a datagram with trailing bytes) are not body.
  auto trailing = SipMessage::Parse(RawRequest() + "XYZ");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->ReceivedBody(), "hello");
  ASSERT_TRUE(req->SetBody("text/plain", ToBytes("other")));
  EXPECT_EQ(req->ReceivedBody(), "");
}

TEST(SipMultipart, TextBodyParsesBackToTheSameParts) {
  auto text = MultipartBodyText(Parts());
  ASSERT_TRUE(text) << text.error().ToString();
  EXPECT_TRUE(text->content_type.starts_with("multipart/mixed;boundary=kb-"));
  std::string raw =
      "MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKabc\r\n"
      "From: <sip:alice@example.org>;tag=a1\r\nTo: <sip:bob@example.org>\r\n"
      "Call-ID: c1\r\nCSeq: 1 MESSAGE\r\nContent-Type: " +
      text->content_type + "\r\nContent-Length: " + std::to_string(text->body.size()) + "\r\n\r\n" +
      text->body;
  auto m = SipMessage::Parse(raw);
  ASSERT_TRUE(m) << m.error().ToString();
  auto parts = BodyParts(*m);
  ASSERT_TRUE(parts);
  EXPECT_EQ(*parts, Parts());
  EXPECT_EQ(m->ReceivedBody(), text->body);
  EXPECT_FALSE(MultipartBodyText({}));
  EXPECT_FALSE(MultipartBodyText(std::vector<BodyPart>{{"text/plain\r\nX: y", Bytes{1}}}));
}

struct Received {
  std::mutex mu;
  std::optional<SipMessage> request;
  std::promise<void> done;
};

Result<SipMessage> SendPreparedAndWait(SipStack& stack, const PreparedRequest& r,
                                       SipEndpoint target) {
  auto promise = std::make_shared<std::promise<Result<SipMessage>>>();
  auto future = promise->get_future();
  stack.SendPrepared(r, std::move(target),
                     [promise](Result<SipMessage> res) { promise->set_value(std::move(res)); });
  if (future.wait_for(5s) != std::future_status::ready) {
    ADD_FAILURE() << "no callback within 5 s";
    return Fail(Error::Internal("test timeout"));
  }
  return future.get();
}

TEST(SipStack, PreparedRequestArrivesWithItsHeadersAndBodyOverTcpAndUdp) {
  SipStackConfig c;
  c.t1 = 10ms;
  c.t2 = 40ms;
  c.t4 = 20ms;
  auto a = SipStack::Start(c), b = SipStack::Start(c);
  ASSERT_TRUE(a && b);
  auto rec = std::make_shared<Received>();
  (*b)->SetRequestHandler([rec](std::shared_ptr<IncomingRequest> in) {
    {
      std::lock_guard l(rec->mu);
      rec->request = in->request().Clone();
    }
    in->Respond(202, "Accepted");
  });
  auto text = MultipartBodyText(Parts());
  ASSERT_TRUE(text);
  for (Transport t : {Transport::kTcp, Transport::kUdp}) {
    PreparedRequest r{
        "MESSAGE",          "sip:bob@127.0.0.1", "sip:bob@example.org", "sip:iwf@example.org",
        text->content_type, text->body};
    auto res = SendPreparedAndWait(**a, r, (*b)->LocalEndpoint(t));
    ASSERT_TRUE(res) << res.error().ToString();
    EXPECT_EQ(res->StatusCode(), 202);
    EXPECT_FALSE(res->ToTag().empty());
    std::lock_guard l(rec->mu);
    ASSERT_TRUE(rec->request);
    const SipMessage& m = *rec->request;
    EXPECT_EQ(m.Method(), "MESSAGE");
    EXPECT_EQ(m.RequestUri(), "sip:bob@127.0.0.1");
    EXPECT_EQ(m.FromUri(), "sip:iwf@example.org");
    EXPECT_EQ(m.FromTag().size(), 12u);
    EXPECT_EQ(m.ToUri(), "sip:bob@example.org");
    EXPECT_EQ(m.CSeqNumber(), 1u);
    EXPECT_TRUE(m.TopViaBranch().starts_with(kBranchCookie));
    EXPECT_EQ(m.TopViaTransport(), TransportName(t));
    EXPECT_EQ(m.Header("Max-Forwards"), "70");
    auto parts = BodyParts(m);
    ASSERT_TRUE(parts);
    EXPECT_EQ(*parts, Parts());
    rec->request.reset();
  }
  // A field that would break the text is refused before anything is sent.
  for (std::string_view bad : {"sip:bob@x\r\nVia: evil", "sip:bob@x>", "sip:b ob@x"}) {
    PreparedRequest r{"MESSAGE", bad, "sip:bob@example.org", "", "", ""};
    auto res = SendPreparedAndWait(**a, r, (*b)->LocalEndpoint(Transport::kTcp));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind(), ErrorKind::kInvalidArgument);
  }
  PreparedRequest bye{"BYE", "sip:bob@127.0.0.1", "sip:bob@example.org", "", "", ""};
  auto res = SendPreparedAndWait(**a, bye, (*b)->LocalEndpoint(Transport::kTcp));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().kind(), ErrorKind::kUnsupported);
  std::lock_guard l(rec->mu);
  EXPECT_FALSE(rec->request);
}

}  // namespace
}  // namespace kb::net
