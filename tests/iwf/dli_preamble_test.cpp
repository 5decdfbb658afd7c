// TIA-102.AACD DLI preamble (Version 0, 14 octets) and the KMM header the IWF routes on.
#include "iwf/dli_preamble.h"

#include <gtest/gtest.h>

#include "iwf/kmm_route.h"
#include "testing/vectors.h"

namespace kb::iwf {
namespace {

using kb::testing::Hex;

// The AACA-C-2023 14.3.4 Rekey-Command (destination RSI 0x643BA8, source 0x712B1D).
Bytes AacaKmm() {
  auto doc = kb::testing::LoadVectors("p25-kmm.json");
  return Hex(kb::testing::FindVector(doc, "rekey-command-cbc-mac").at("outputs").at("kmm"));
}

TEST(DliPreamble, ClearPreambleIsFourteenOctets) {
  DliPreamble p;
  EXPECT_EQ(EncodeDliPreamble(p), Hex("00 00 80 0000 000000000000000000"));
  EXPECT_EQ(EncodeDliPreamble(p).size(), kDliPreambleSize);
  EXPECT_TRUE(p.IsClear());
}

TEST(DliPreamble, FieldsSitAtTheirOffsets) {
  DliPreamble p;
  p.mfid = kMfidMotorola;
  p.algid = 0x84;
  p.kid = 0x50BC;
  p.mi = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  Bytes wire = EncodeDliPreamble(p);
  EXPECT_EQ(wire, Hex("00 90 84 50BC 010203040506070809"));
  auto back = DecodeDliPreamble(wire);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, p);
  EXPECT_FALSE(back->IsClear());
}

TEST(DliPreamble, DatagramRoundTripWithTheAacaKmm) {
  Bytes kmm = AacaKmm();
  ASSERT_EQ(kmm.size(), 80u);
  Bytes dg = EncodeDliDatagram(DliPreamble{}, kmm);
  ASSERT_EQ(dg.size(), 94u);
  auto split = DecodeDliDatagram(dg);
  ASSERT_TRUE(split) << split.error().ToString();
  EXPECT_EQ(split->preamble, DliPreamble{});
  EXPECT_EQ(Bytes(split->kmm.begin(), split->kmm.end()), kmm);
  auto route = ReadKmmRoute(split->kmm);
  ASSERT_TRUE(route) << route.error().ToString();
  EXPECT_EQ(route->message_id, 0x1E);
  EXPECT_EQ(route->destination_rsi, 0x643BA8u);
  EXPECT_EQ(route->source_rsi, 0x712B1Du);
}

TEST(DliPreamble, EveryTruncationNamesItsField) {
  Bytes dg = EncodeDliDatagram(DliPreamble{}, AacaKmm());
  const char* fields[] = {"version", "MFID", "ALGID", "KID", "KID", "MI", "MI", "MI",
                          "MI",      "MI",   "MI",    "MI",  "MI",  "MI", "KMM"};
  for (size_t n = 0; n <= kDliPreambleSize; ++n) {
    auto r = DecodeDliDatagram(ByteView(dg).first(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().kind(), ErrorKind::kTruncated) << n;
    EXPECT_NE(r.error().message().find(fields[n]), std::string::npos)
        << n << ": " << r.error().message();
  }
  EXPECT_FALSE(DecodeDliPreamble(ByteView(dg).first(13)));
  // Exactly 14 octets is a preamble; 15 is not.
  EXPECT_TRUE(DecodeDliPreamble(ByteView(dg).first(14)));
  auto longer = DecodeDliPreamble(ByteView(dg).first(15));
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().kind(), ErrorKind::kMalformed);
}

TEST(DliPreamble, OnlyVersionZero) {
  Bytes dg = EncodeDliDatagram(DliPreamble{}, AacaKmm());
  dg[0] = 0x01;
  auto r = DecodeDliDatagram(dg);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(r.error().message().find("offset 0"), std::string::npos);
}

// dvmhost's reading (13 octets, KID and MI overlapping) is a defect, not a variant: a sender
// that emits 13 octets makes the KMM start one octet early, and its header no longer checks.
TEST(DliPreamble, ThirteenOctetPreambleOfTheOffByOneReadingIsRefused) {
  Bytes kmm = AacaKmm();
  Bytes dg = Hex("00 00 80 0000 0000000000000000");  // 13 octets
  dg.insert(dg.end(), kmm.begin(), kmm.end());
  auto split = DecodeDliDatagram(dg);
  ASSERT_TRUE(split);
  auto route = ReadKmmRoute(split->kmm);
  ASSERT_FALSE(route);
  EXPECT_EQ(route.error().kind(), ErrorKind::kMalformed);
  // And an MFID other than 0x80 does not mean "encrypted": the ALGID says so.
  EXPECT_TRUE(DecodeDliDatagram(EncodeDliDatagram(DliPreamble{}, kmm))->preamble.IsClear());
}

TEST(KmmRoute, HeaderTruncationAndLength) {
  Bytes kmm = AacaKmm();
  for (size_t n = 0; n < 10; ++n) {
    auto r = ReadKmmRoute(ByteView(kmm).first(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().kind(), ErrorKind::kTruncated);
  }
  auto shorter = ReadKmmRoute(ByteView(kmm).first(79));
  ASSERT_FALSE(shorter);
  EXPECT_EQ(shorter.error().kind(), ErrorKind::kMalformed);
  Bytes longer = kmm;
  longer.push_back(0);
  EXPECT_FALSE(ReadKmmRoute(longer));
}

}  // namespace
}  // namespace kb::iwf
