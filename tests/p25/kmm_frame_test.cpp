// TIA-102.AACA 10.1 KMM frame: the standard's 14.3.4 example decodes and re-encodes byte for
// byte; lengths, format bits and truncation are checked.
#include "p25/kmm_frame.h"

#include <gtest/gtest.h>

#include "p25/kmm.h"
#include "testing/vectors.h"

namespace kb::p25 {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

Bytes Example(const std::string& name = "rekey-command-cbc-mac") {
  return Hex(FindVector(LoadVectors("p25-kmm.json"), name)["outputs"]["kmm"]);
}

TEST(KmmFrame, StandardExampleHeaderFields) {
  auto v = FindVector(LoadVectors("p25-kmm.json"), "rekey-command-cbc-mac")["outputs"];
  Bytes kmm = Hex(v["kmm"]);
  ASSERT_EQ(kmm.size(), 80u);
  auto f = DecodeKmmFrame(kmm);
  ASSERT_TRUE(f) << f.error().ToString();
  EXPECT_EQ(f->header.message_id, MessageId::kRekeyCommand);
  EXPECT_EQ(f->header.response_kind, ResponseKind::kImmediate);
  EXPECT_FALSE(f->header.done_bit);
  EXPECT_FALSE(f->header.reserved_bit);
  EXPECT_EQ(f->header.destination_rsi, 0x643BA8u);
  EXPECT_EQ(f->header.source_rsi, 0x712B1Du);
  ASSERT_TRUE(f->header.message_number);
  EXPECT_EQ(*f->header.message_number, 0x1772);
  EXPECT_EQ(f->BodyOffset(), 12u);
  ASSERT_TRUE(f->mac);
  EXPECT_EQ(f->mac->mac, Hex(v["mac"]));
  EXPECT_EQ(f->mac->algid, 0x84);
  EXPECT_EQ(f->mac->kid, 0x2F62);
  EXPECT_EQ(f->mac->format, 0x40);
  // Body = total - header(12) - trailer(13).
  EXPECT_EQ(f->body.size(), 80u - 12u - 13u);
  auto again = EncodeKmmFrame(*f);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(*again, kmm);
}

TEST(KmmFrame, LengthIsTotalMinusThree) {
  KmmFrame f;
  f.header.message_id = MessageId::kZeroizeCommand;
  f.header.response_kind = ResponseKind::kImmediate;
  f.header.destination_rsi = 0x000001;
  f.header.source_rsi = 0x98967F;
  auto b = EncodeKmmFrame(f);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->size(), 10u);  // a non-Rekey KMM without MN or MAC is exactly the header
  EXPECT_EQ((*b)[1], 0x00);
  EXPECT_EQ((*b)[2], 0x07);
  EXPECT_EQ((*b)[3], 0x80);
  f.header.message_number = 5;
  f.mac = MacTrailer{Bytes(8, 0xAA), 0x84, 0x1234, 0x41};
  b = EncodeKmmFrame(f);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->size(), 25u);
  EXPECT_EQ((*b)[2], 25 - 3);
  EXPECT_EQ((*b)[3], 0xA8);
  auto d = DecodeKmmFrame(*b);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, f);
}

TEST(KmmFrame, DesMacTrailerIsNineOctets) {
  KmmFrame f;
  f.header.message_id = MessageId::kHello;
  f.body = {0x01};
  f.mac = MacTrailer{Bytes(4, 0x55), 0x81, 0x0001, 0x00};
  auto b = EncodeKmmFrame(f);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->size(), 10u + 1u + 9u);
  EXPECT_EQ((*b)[3] & 0x0C, 0x0C);
  auto d = DecodeKmmFrame(*b);
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(*d, f);
}

TEST(KmmFrame, RejectsWrongLength) {
  Bytes kmm = Example();
  kmm[2] = 0x4C;
  auto f = DecodeKmmFrame(kmm);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().kind(), ErrorKind::kMalformed);
  EXPECT_NE(f.error().message().find("Message Length at offset 1"), std::string::npos)
      << f.error().message();
}

TEST(KmmFrame, RejectsReservedFormatBits) {
  Bytes kmm = Example();
  kmm[3] = 0xE8;  // response kind 3
  EXPECT_FALSE(DecodeKmmFrame(kmm));
  kmm[3] = 0x98;  // MN bits 01
  EXPECT_FALSE(DecodeKmmFrame(kmm));
  kmm[3] = 0xA4;  // MAC type 01
  auto f = DecodeKmmFrame(kmm);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message().find("offset 3"), std::string::npos);
}

TEST(KmmFrame, RejectsMacLengthMismatch) {
  Bytes kmm = Example();
  kmm[80 - 5] = 0x04;
  auto f = DecodeKmmFrame(kmm);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message().find("MAC Length at offset 75"), std::string::npos)
      << f.error().message();
}

TEST(KmmFrame, EveryTruncationFails) {
  Bytes kmm = Example();
  for (size_t n = 0; n < kmm.size(); ++n) {
    Bytes cut(kmm.begin(), kmm.begin() + static_cast<std::ptrdiff_t>(n));
    if (n >= 3) {  // keep the length field honest so the inner checks are reached
      cut[1] = static_cast<uint8_t>((n - 3) >> 8);
      cut[2] = static_cast<uint8_t>(n - 3);
    }
    EXPECT_FALSE(Kmm::Decode(cut)) << "prefix of " << n << " octets decoded";
  }
}

TEST(KmmFrame, EncoderRefusesBadFields) {
  KmmFrame f;
  f.header.destination_rsi = 0x1000000;
  EXPECT_EQ(EncodeKmmFrame(f).error().kind(), ErrorKind::kInvalidArgument);
  f.header.destination_rsi = 1;
  f.mac = MacTrailer{Bytes(7, 0), 0x84, 0, 0x40};
  EXPECT_EQ(EncodeKmmFrame(f).error().kind(), ErrorKind::kInvalidArgument);
  f.mac.reset();
  f.body = Bytes(70000, 0);
  EXPECT_EQ(EncodeKmmFrame(f).error().kind(), ErrorKind::kInvalidArgument);
}

TEST(KmmFrame, LocateMac) {
  Bytes kmm = Example();
  auto loc = LocateMac(kmm);
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->mac_offset, 80u - 13u);
  EXPECT_EQ(loc->mac_size, 8u);
  EXPECT_EQ(loc->header_size, 12u);
}

}  // namespace
}  // namespace kb::p25
