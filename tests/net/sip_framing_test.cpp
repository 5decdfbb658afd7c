// RFC 3261 clause 18.3 framing: datagrams and byte streams.
#include "net/sip_framing.h"

#include <gtest/gtest.h>

namespace kb::net {
namespace {

std::string Msg(std::string_view body, std::string_view length_header) {
  return "MESSAGE sip:b@x SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK1\r\n" +
         std::string(length_header) + "Call-ID: c\r\n\r\n" + std::string(body);
}
std::string Msg(std::string_view body) {
  return Msg(body, "Content-Length: " + std::to_string(body.size()) + "\r\n");
}

TEST(DatagramFrame, ExactExcessAndMissingLength) {
  std::string m = Msg("hello");
  auto f = FrameDatagram(m);
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, m);
  std::string with_junk = m + "trailing junk";
  auto excess = FrameDatagram(with_junk);
  ASSERT_TRUE(excess);
  EXPECT_EQ(*excess, m);
  std::string no_len = Msg("hello", "");
  auto rest = FrameDatagram(no_len);
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, no_len);
  std::string with_keepalive = "\r\n\r\n" + m;
  auto keepalive = FrameDatagram(with_keepalive);
  ASSERT_TRUE(keepalive);
  EXPECT_EQ(*keepalive, m);
}

TEST(DatagramFrame, RefusesLongerLengthAndKeepsTheHead) {
  std::string m = Msg("hello", "Content-Length: 50\r\n");
  std::optional<MessageHead> head;
  auto f = FrameDatagram(m, &head);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message().find("Content-Length 50"), std::string::npos);
  ASSERT_TRUE(head);
  std::string h = HeadOnly(m, *head);
  EXPECT_EQ(h.find("Content-Length"), std::string::npos);
  EXPECT_TRUE(h.ends_with("Call-ID: c\r\n\r\n")) << h;
}

TEST(DatagramFrame, RefusesMalformedLengthAndMissingBlankLine) {
  EXPECT_FALSE(FrameDatagram(Msg("hello", "Content-Length: 5x\r\n")));
  EXPECT_FALSE(FrameDatagram(Msg("hello", "Content-Length: -1\r\n")));
  EXPECT_FALSE(FrameDatagram(Msg("hello", "l: 5\r\nContent-Length: 4\r\n")));
  EXPECT_FALSE(FrameDatagram("MESSAGE sip:b@x SIP/2.0\r\nVia: x\r\n"));
  EXPECT_FALSE(FrameDatagram("\r\n"));
  EXPECT_TRUE(FrameDatagram(Msg("hello", "l: 5\r\n")));
}

TEST(StreamFramer, SplitsSeveralMessagesInOneRead) {
  StreamFramer f(4096);
  std::string a = Msg("first"), b = Msg(""), c = Msg("third!");
  f.Append("\r\n" + a + b + c.substr(0, 10));
  auto m1 = f.Next();
  ASSERT_TRUE(m1 && *m1);
  EXPECT_EQ(**m1, a);
  auto m2 = f.Next();
  ASSERT_TRUE(m2 && *m2);
  EXPECT_EQ(**m2, b);
  auto m3 = f.Next();
  ASSERT_TRUE(m3);
  EXPECT_FALSE(*m3);  // partial
  f.Append(c.substr(10));
  auto m4 = f.Next();
  ASSERT_TRUE(m4 && *m4);
  EXPECT_EQ(**m4, c);
  EXPECT_TRUE(f.buffered().empty());
}

TEST(StreamFramer, ByteByByte) {
  StreamFramer f(4096);
  std::string a = Msg("payload");
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    f.Append(a.substr(i, 1));
    auto n = f.Next();
    ASSERT_TRUE(n);
    ASSERT_FALSE(*n) << i;
  }
  f.Append(a.substr(a.size() - 1));
  auto n = f.Next();
  ASSERT_TRUE(n && *n);
  EXPECT_EQ(**n, a);
}

TEST(StreamFramer, BodyShorterThanLengthWaits) {
  StreamFramer f(4096);
  f.Append(Msg("hello", "Content-Length: 50\r\n"));
  auto n = f.Next();
  ASSERT_TRUE(n);
  EXPECT_FALSE(*n);
}

TEST(StreamFramer, RefusesMissingLengthAndOversize) {
  StreamFramer f(4096);
  f.Append(Msg("hello", ""));
  auto n = f.Next();
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().message().find("Content-Length missing"), std::string::npos);
  ASSERT_TRUE(f.last_head());

  StreamFramer small(100);
  small.Append(Msg(std::string(200, 'x')));
  auto big = small.Next();
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message().find("larger than the maximum"), std::string::npos);

  StreamFramer endless(100);
  endless.Append(std::string(101, 'a'));
  EXPECT_FALSE(endless.Next());
}

}  // namespace
}  // namespace kb::net
