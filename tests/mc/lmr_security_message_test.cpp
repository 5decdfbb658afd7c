// Tests of the TS 23.283 10.12 non-3GPP security message codec (interworking-data container).
#include "mc/lmr_security_message.h"

#include <gtest/gtest.h>

#include "core/encoding.h"

namespace kb::mc {
namespace {

SecurityMessageRequest SampleRequest() {
  MessageId id{};
  id[15] = 7;
  return {"sip:alice@example.org", "sip:kmf@lmr.example.org", LmrType::kP25,
          Bytes{0x1e, 0x00, 0x4d, 0xa8}, id};
}

TEST(InterworkingData, RequestGoldenBytes) {
  SecurityMessageRequest req{"sip:a@x", "sip:k@y", LmrType::kP25, Bytes{0xde, 0xad}, std::nullopt};
  auto enc = EncodeInterworkingData(req);
  ASSERT_TRUE(enc);
  // type 01 | 01 0007 "sip:a@x" | 02 0007 "sip:k@y" | 03 0001 01 | 04 0002 dead
  EXPECT_EQ(ToHex(*enc),
            "01"
            "010007"
            "7369703a614078"
            "020007"
            "7369703a6b4079"
            "03000101"
            "040002dead");
}

TEST(InterworkingData, RoundTripsEveryForm) {
  std::vector<InterworkingMessage> messages = {
      SampleRequest(),
      SecurityMessageRequest{"sip:bob@example.org", "sip:iwf@example.org", std::nullopt,
                             Bytes(65535, 0x5a), std::nullopt},
      SecurityMessageResponse{"sip:alice@example.org", "sip:kmf@lmr.example.org",
                              SampleRequest().message_id},
      IwfShortMessage{"sip:alice@example.org", LmrType::kTetra, Bytes{1, 2, 3}, std::nullopt},
  };
  for (const auto& m : messages) {
    auto enc = EncodeInterworkingData(m);
    ASSERT_TRUE(enc) << enc.error().ToString();
    auto dec = DecodeInterworkingData(*enc);
    ASSERT_TRUE(dec) << dec.error().ToString();
    EXPECT_EQ(*dec, m);
  }
}

TEST(InterworkingData, EveryTruncationFailsCleanly) {
  auto enc = EncodeInterworkingData(SampleRequest());
  ASSERT_TRUE(enc);
  size_t without_optional_tail = enc->size() - (3 + 16);  // the message-ID IE is optional
  for (size_t n = 0; n < enc->size(); ++n) {
    auto dec = DecodeInterworkingData(ByteView(*enc).first(n));
    if (n == without_optional_tail) {
      ASSERT_TRUE(dec);
      EXPECT_FALSE(std::get<SecurityMessageRequest>(*dec).message_id);
    } else {
      EXPECT_FALSE(dec) << "prefix of " << n << " octets decoded";
    }
  }
}

TEST(InterworkingData, MissingMandatoryIeIsNamed) {
  // A request without the URI IE.
  Bytes b = {0x01, 0x01, 0x00, 0x01, 'a', 0x04, 0x00, 0x01, 0x00};
  auto dec = DecodeInterworkingData(b);
  ASSERT_FALSE(dec);
  EXPECT_NE(dec.error().message().find("URI of LMR security functional entity"), std::string::npos);
}

TEST(InterworkingData, RejectsRepeatedAndUnknownIes) {
  Bytes repeated = {0x02, 0x01, 0x00, 0x01, 'a', 0x01, 0x00, 0x01, 'b'};
  EXPECT_EQ(DecodeInterworkingData(repeated).error().kind(), ErrorKind::kMalformed);
  Bytes unknown = {0x02, 0x01, 0x00, 0x01, 'a', 0x02, 0x00, 0x01, 'b', 0x10, 0x00, 0x00};
  EXPECT_EQ(DecodeInterworkingData(unknown).error().kind(), ErrorKind::kUnsupported);
  // Unknown optional IEs (0x80 and above) are skipped.
  Bytes optional = {0x02, 0x01, 0x00, 0x01, 'a', 0x02, 0x00, 0x01, 'b', 0x90, 0x00, 0x01, 0x00};
  EXPECT_TRUE(DecodeInterworkingData(optional));
}

TEST(InterworkingData, ResponseMayNotCarryPayload) {
  Bytes b = {0x02, 0x01, 0x00, 0x01, 'a', 0x02, 0x00, 0x01, 'b', 0x04, 0x00, 0x01, 0x00};
  EXPECT_FALSE(DecodeInterworkingData(b));
}

TEST(InterworkingData, RejectsUnknownTypeAndLmrType) {
  Bytes type = {0x09};
  EXPECT_EQ(DecodeInterworkingData(type).error().kind(), ErrorKind::kUnsupported);
  Bytes lmr = {0x03, 0x01, 0x00, 0x01, 'a', 0x03, 0x00, 0x01, 0x07, 0x04, 0x00, 0x01, 0x00};
  EXPECT_EQ(DecodeInterworkingData(lmr).error().kind(), ErrorKind::kUnsupported);
}

TEST(InterworkingData, EncoderRefusesBadInput) {
  auto req = SampleRequest();
  req.payload.clear();
  EXPECT_FALSE(EncodeInterworkingData(req));
  req.payload = Bytes(65536, 0);
  EXPECT_FALSE(EncodeInterworkingData(req));
  req = SampleRequest();
  req.mc_service_id.clear();
  EXPECT_FALSE(EncodeInterworkingData(req));
}

TEST(InterworkingData, TowardClientNeedsLmrType) {
  auto req = SampleRequest();
  EXPECT_TRUE(CheckTowardClient(req));
  req.lmr_type.reset();
  EXPECT_FALSE(CheckTowardClient(req));
  IwfShortMessage sm{"sip:a@x", LmrType::kP25, Bytes{1}, std::nullopt};
  auto as_req = ToRequest(sm, "sip:kmf@y");
  EXPECT_EQ(as_req.lmr_security_fe_uri, "sip:kmf@y");
  EXPECT_TRUE(CheckTowardClient(as_req));
}

TEST(LmrType, Names) {
  EXPECT_EQ(*ParseLmrTypeName("p25"), LmrType::kP25);
  EXPECT_EQ(*ParseLmrTypeName("TETRA"), LmrType::kTetra);
  EXPECT_FALSE(ParseLmrTypeName("dmr"));
  EXPECT_STREQ(LmrTypeName(LmrType::kTetra), "TETRA");
}

}  // namespace
}  // namespace kb::mc
