// RFC 3550 5.1, 5.3.1 and 6.4.1: the RTP header and RTCP first-8-octet codecs.
#include "srtp/rtp_header.h"

#include <gtest/gtest.h>

#include "testing/vectors.h"

namespace kb::srtp {
namespace {

using kb::testing::Hex;

TEST(RtpHeader, DecodesTheRfc7714ExampleHeader) {
  Bytes packet = Hex("8040f17b8041f8d35501a0b2cafe");
  ByteReader r(packet);
  auto h = RtpHeader::Decode(r);
  ASSERT_TRUE(h) << h.error().ToString();
  EXPECT_FALSE(h->padding);
  EXPECT_FALSE(h->marker);
  EXPECT_EQ(h->payload_type, 0x40);
  EXPECT_EQ(h->sequence_number, 0xf17b);
  EXPECT_EQ(h->timestamp, 0x8041f8d3u);
  EXPECT_EQ(h->ssrc, 0x5501a0b2u);
  EXPECT_TRUE(h->csrcs.empty());
  EXPECT_FALSE(h->extension);
  EXPECT_EQ(h->EncodedSize(), 12u);
  EXPECT_EQ(r.remaining(), 2u);
}

TEST(RtpHeader, RoundTripsCsrcsAndExtension) {
  RtpHeader h;
  h.padding = true;
  h.marker = true;
  h.payload_type = 96;
  h.sequence_number = 65535;
  h.timestamp = 0x01020304;
  h.ssrc = 0xdeadbeef;
  h.csrcs = {1, 2, 3};
  h.extension = RtpHeaderExtension{0xBEDE, Hex("1122334455667788")};
  ByteWriter w;
  ASSERT_TRUE(h.Encode(w));
  EXPECT_EQ(w.size(), h.EncodedSize());
  EXPECT_EQ(w.size(), 12u + 12u + 4u + 8u);
  EXPECT_EQ(w.bytes()[0], 0xB3);  // V=2, P, X, CC=3
  EXPECT_EQ(w.bytes()[1], 0xE0);  // M, PT 96
  ByteReader r(w.view());
  auto back = RtpHeader::Decode(r);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, h);
  EXPECT_TRUE(r.empty());
}

TEST(RtpHeader, RejectsWrongVersion) {
  Bytes packet = Hex("4040f17b8041f8d35501a0b2");
  ByteReader r(packet);
  auto h = RtpHeader::Decode(r);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().kind(), ErrorKind::kMalformed);
  EXPECT_NE(h.error().message().find("RTP.V"), std::string::npos);
}

TEST(RtpHeader, RejectsEveryTruncation) {
  RtpHeader h;
  h.csrcs = {7, 8};
  h.extension = RtpHeaderExtension{1, Hex("00000001")};
  ByteWriter w;
  ASSERT_TRUE(h.Encode(w));
  for (size_t n = 0; n < w.size(); ++n) {
    ByteReader r(w.view().first(n));
    auto d = RtpHeader::Decode(r);
    ASSERT_FALSE(d) << n;
    EXPECT_EQ(d.error().kind(), ErrorKind::kTruncated) << n;
  }
}

TEST(RtpHeader, EncodeRejectsOutOfRangeFields) {
  ByteWriter w;
  RtpHeader h;
  h.csrcs.assign(16, 1);
  EXPECT_FALSE(h.Encode(w));
  h.csrcs.clear();
  h.payload_type = 128;
  EXPECT_FALSE(h.Encode(w));
  h.payload_type = 0;
  h.extension = RtpHeaderExtension{1, Hex("010203")};
  EXPECT_FALSE(h.Encode(w));
}

TEST(RtcpHeader, DecodesTheRfc7714ExampleSenderReport) {
  Bytes packet = Hex("81c8000d4d617273");
  ByteReader r(packet);
  auto h = RtcpHeader::Decode(r);
  ASSERT_TRUE(h) << h.error().ToString();
  EXPECT_EQ(h->count, 1);
  EXPECT_EQ(h->packet_type, 200);
  EXPECT_EQ(h->length, 13);
  EXPECT_EQ(h->ssrc, 0x4d617273u);
  ByteWriter w;
  ASSERT_TRUE(h->Encode(w));
  EXPECT_EQ(w.bytes(), packet);
  ByteReader short_r(ByteView(packet).first(7));
  auto t = RtcpHeader::Decode(short_r);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind(), ErrorKind::kTruncated);
}

}  // namespace
}  // namespace kb::srtp
