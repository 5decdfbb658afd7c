// RFC 4566 subset: parse/print round trip, bounds, and malformed bodies refused with the line.
#include "call/sdp.h"

#include <gtest/gtest.h>

namespace kb::call {
namespace {

const char* kBody =
    "v=0\r\n"
    "o=alice 42 42 IN IP4 192.0.2.1\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.1\r\n"
    "t=0 0\r\n"
    "a=key-mgmt:mikey AQIDBA==\r\n"
    "m=audio 49170 RTP/SAVP 96 100\r\n"
    "a=rtpmap:96 AMR-WB/16000\r\n"
    "a=fmtp:96 octet-align=1\r\n"
    "a=rtpmap:100 P25-IMBE/8000\r\n"
    "a=kb-lmr-encryption-mode:e2ee\r\n"
    "m=application 49172 udp MCPTT\r\n"
    "a=fmtp:MCPTT mc_priority=5\r\n";

TEST(Sdp, ParsesAndPrintsBack) {
  auto sd = SessionDescription::Parse(kBody);
  ASSERT_TRUE(sd) << sd.error().ToString();
  EXPECT_EQ(sd->origin_user, "alice");
  EXPECT_EQ(sd->session_id, 42u);
  EXPECT_EQ(sd->connection_address, "192.0.2.1");
  EXPECT_EQ(sd->Attribute("key-mgmt"), "mikey AQIDBA==");
  ASSERT_EQ(sd->media.size(), 2u);
  EXPECT_EQ(sd->media[0].port, 49170);
  EXPECT_EQ(sd->media[0].formats, (std::vector<std::string>{"96", "100"}));
  EXPECT_EQ(sd->media[0].Attributes("rtpmap").size(), 2u);
  EXPECT_EQ(sd->media[1].proto, "udp");
  EXPECT_EQ(sd->Serialise(), kBody);
  auto again = SessionDescription::Parse(sd->Serialise());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *sd);
}

TEST(Sdp, AcceptsBareLineFeeds) {
  std::string lf = kBody;
  for (size_t p; (p = lf.find("\r\n")) != std::string::npos;) lf.erase(p, 1);
  auto sd = SessionDescription::Parse(lf);
  ASSERT_TRUE(sd) << sd.error().ToString();
  EXPECT_EQ(sd->Serialise(), kBody);
}

struct Bad {
  std::string body;
  std::string fragment;  // part of the error message
  ErrorKind kind = ErrorKind::kMalformed;
};

class SdpRefuses : public ::testing::TestWithParam<Bad> {};

TEST_P(SdpRefuses, WithAReason) {
  auto sd = SessionDescription::Parse(GetParam().body);
  ASSERT_FALSE(sd);
  EXPECT_EQ(sd.error().kind(), GetParam().kind) << sd.error().ToString();
  EXPECT_NE(sd.error().message().find(GetParam().fragment), std::string::npos)
      << sd.error().message();
}

const std::string kHead =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";

INSTANTIATE_TEST_SUITE_P(
    Bodies, SdpRefuses,
    ::testing::Values(
        Bad{"", "empty body"}, Bad{"o=- 1 1 IN IP4 1.2.3.4\r\n", "first line must be v="},
        Bad{"v=1\r\n", "version", ErrorKind::kUnsupported},
        Bad{"v=0\r\ns=-\r\nt=0 0\r\n", "no o= line"},
        Bad{"v=0\r\no=- x 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n", "line 2 (o=)"},
        Bad{kHead + "m=audio 70000 RTP/SAVP 96\r\n", "line 6 (m=): port"},
        Bad{kHead + "m=audio 5000\r\n", "line 6 (m=)"},
        Bad{kHead + "x=whatever\r\n", "unknown type x=", ErrorKind::kUnsupported},
        Bad{kHead + "a=bad name:1\r\n", "bad character"},
        Bad{kHead + "a=ok\r\n\r\na=more\r\n", "empty line"},
        Bad{kHead + "a=ctl\x01\r\n", "control character"},
        Bad{kHead + "garbage\r\n", "not '<type>=<value>'"},
        Bad{"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 5 RTP/SAVP 96\r\n",
            "no c= line"},
        Bad{kHead + "c=IN IP4\r\n", "line 6 (c=)"},
        Bad{kHead + "c=ATM NSAP x\r\n", "network type", ErrorKind::kUnsupported},
        Bad{std::string(kMaxSdpSize + 1, 'a'), "exceeds"},
        Bad{kHead + "a=" + std::string(kMaxSdpLineLength, 'k') + "\r\n", "longer than"}));

TEST(Sdp, BoundsOnMediaAttributesAndLines) {
  std::string many_media = kHead;
  for (int i = 0; i < 9; ++i) many_media += "m=audio 5000 RTP/SAVP 96\r\n";
  auto a = SessionDescription::Parse(many_media);
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message().find("more than 8 media"), std::string::npos);

  std::string many_attrs = kHead;
  for (int i = 0; i < 33; ++i) many_attrs += "a=x\r\n";
  auto b = SessionDescription::Parse(many_attrs);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message().find("more than 32 attributes"), std::string::npos);

  std::string many_lines = kHead;
  for (int i = 0; i < 40; ++i)
    many_lines += "m=audio 5000 RTP/SAVP 96\r\n" + std::string("b=AS:1\r\n") + "i=x\r\n";
  auto c = SessionDescription::Parse(many_lines);
  ASSERT_FALSE(c);
}

}  // namespace
}  // namespace kb::call
