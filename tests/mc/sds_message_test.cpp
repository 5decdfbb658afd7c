// Tests of the TS 24.282 clause 15 SDS signalling and data payload codecs.
#include "mc/sds_message.h"

#include <gtest/gtest.h>

#include "core/encoding.h"

namespace kb::mc {
namespace {

SdsSignallingPayload Sample() {
  SdsSignallingPayload p;
  p.date_time = 0x0123456789;
  p.conversation_id.fill(0x11);
  p.message_id.fill(0x22);
  p.in_reply_to = Uuid{};
  p.application_id = 0x05;
  p.disposition = SdsDispositionRequest::kDelivery;
  p.extended_application_id = LmrSecurityApplicationId(LmrType::kP25);
  p.sender_mcdata_user_id = "sip:iwf@example.org";
  return p;
}

TEST(SdsSignallingPayload, FixedPartGoldenBytes) {
  SdsSignallingPayload p;
  p.date_time = 1;
  auto enc = EncodeSdsSignallingPayload(p);
  ASSERT_TRUE(enc);
  EXPECT_EQ(enc->size(), 1u + 5 + 16 + 16);
  EXPECT_EQ(ToHex(ByteView(*enc).first(6)), "010000000001");
}

TEST(SdsSignallingPayload, RoundTripWithEveryIe) {
  auto enc = EncodeSdsSignallingPayload(Sample());
  ASSERT_TRUE(enc);
  auto dec = DecodeSdsSignallingPayload(*enc);
  ASSERT_TRUE(dec) << dec.error().ToString();
  EXPECT_EQ(*dec, Sample());
  // The disposition IE is the half-octet form 0x81.
  EXPECT_NE(std::find(enc->begin(), enc->end(), 0x81), enc->end());
}

TEST(SdsSignallingPayload, TruncationsFail) {
  auto enc = EncodeSdsSignallingPayload(Sample());
  ASSERT_TRUE(enc);
  for (size_t n = 0; n < 38; ++n) EXPECT_FALSE(DecodeSdsSignallingPayload(ByteView(*enc).first(n)));
  // Inside the TLV-E IEs too.
  EXPECT_FALSE(DecodeSdsSignallingPayload(ByteView(*enc).first(enc->size() - 1)));
}

TEST(SdsSignallingPayload, RejectsUnknownIeAndWrongType) {
  auto enc = *EncodeSdsSignallingPayload(SdsSignallingPayload{});
  enc.push_back(0x42);
  EXPECT_FALSE(DecodeSdsSignallingPayload(enc));
  enc = *EncodeSdsSignallingPayload(SdsSignallingPayload{});
  enc[0] = 0x03;
  EXPECT_FALSE(DecodeSdsSignallingPayload(enc));
}

TEST(SdsDataPayload, BinaryRoundTripAndGolden) {
  SdsDataPayload p{{{PayloadContentType::kBinary, Bytes{0xaa, 0xbb}}}};
  auto enc = EncodeSdsDataPayload(p);
  ASSERT_TRUE(enc);
  EXPECT_EQ(ToHex(*enc), "030178000302aabb");
  auto dec = DecodeSdsDataPayload(*enc);
  ASSERT_TRUE(dec);
  EXPECT_EQ(*dec, p);
}

TEST(SdsDataPayload, Negatives) {
  EXPECT_FALSE(EncodeSdsDataPayload(SdsDataPayload{}));
  EXPECT_FALSE(DecodeSdsDataPayload(*FromHex("0300")));
  EXPECT_FALSE(DecodeSdsDataPayload(*FromHex("030177000302aabb")));
  EXPECT_FALSE(DecodeSdsDataPayload(*FromHex("030178000309aabb")));
  EXPECT_FALSE(DecodeSdsDataPayload(*FromHex("030178000402aabb")));
  EXPECT_FALSE(DecodeSdsDataPayload(*FromHex("030178000302aabb42")));
}

TEST(SdsApplicationId, RoutesByLmrType) {
  EXPECT_EQ(LmrSecurityApplicationId(LmrType::kP25), "urn:keybridge:lmr-security:p25");
  EXPECT_EQ(LmrTypeOfApplicationId("urn:keybridge:lmr-security:tetra"), LmrType::kTetra);
  EXPECT_FALSE(LmrTypeOfApplicationId("urn:other"));
}

}  // namespace
}  // namespace kb::mc
