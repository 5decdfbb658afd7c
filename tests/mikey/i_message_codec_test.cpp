// TS 33.180 E.1.2 / RFC 3830 5.2: whole I_MESSAGE codec: round trips, the signed range,
// truncation, oversize, unknown and misplaced payloads.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "codec_fixtures.h"

namespace kb::mikey {
namespace {

using testing::SampleGmkMessage;
using testing::SamplePckMessage;

Bytes Encoded(const IMessage& m) {
  auto b = m.Encode();
  EXPECT_TRUE(b) << b.error().ToString();
  return b ? *b : Bytes{};
}

TEST(IMessage, GmkShapeRoundTripsByteForByte) {
  Bytes wire = Encoded(SampleGmkMessage());
  auto m = IMessage::Decode(wire);
  ASSERT_TRUE(m) << m.error().ToString();
  ASSERT_EQ(m->payloads.size(), 11u);
  EXPECT_EQ(TypeOf(m->payloads.back()), PayloadType::kSign);
  EXPECT_EQ(Encoded(*m), wire);
  EXPECT_EQ(m->hdr, SampleGmkMessage().hdr);
  EXPECT_NE(m->FindIdr(8), nullptr);
  EXPECT_EQ(m->FindIdr(1), nullptr);
  EXPECT_NE(m->FindExtension(GeneralExtensionType::kSakkeToSelf), nullptr);
  EXPECT_NE(m->FindExtension(GeneralExtensionType::kKeyParameters), nullptr);
  EXPECT_EQ(m->Find<SakkePayload>()->data.size(), 273u);
}

TEST(IMessage, PckShapeRoundTripsAndHasTheExpectedSize) {
  Bytes wire = Encoded(SamplePckMessage());
  // HDR 10, T 10, RAND 18, IDRs 5+21, 5+19, 5+15, 5+15, SAKKE 5+273, SIGN 2+129.
  EXPECT_EQ(wire.size(), 10u + 10 + 18 + 26 + 24 + 20 + 20 + 278 + 131);
  auto m = IMessage::Decode(wire);
  ASSERT_TRUE(m) << m.error().ToString();
  EXPECT_EQ(m->hdr.map_type, CsIdMapType::kEmpty);
  EXPECT_EQ(m->FindIdr(1)->id_string(), "sip:alice@example.org");
  EXPECT_EQ(Encoded(*m), wire);
}

TEST(IMessage, NextPayloadChainFollowsTheOrder) {
  Bytes wire = Encoded(SamplePckMessage());
  EXPECT_EQ(wire[2], 5);    // HDR -> T
  EXPECT_EQ(wire[10], 11);  // T -> RAND
  EXPECT_EQ(wire[20], 14);  // RAND -> IDR
  // The SAKKE payload (last before SIGN) announces SIGN.
  size_t sakke_at = wire.size() - 131 - 278;
  EXPECT_EQ(wire[sakke_at], 4);
}

TEST(IMessage, SignedRangeEndsAfterTheSignHeader) {
  IMessage sample = SampleGmkMessage();
  Bytes wire = Encoded(sample);
  auto m = IMessage::Decode(wire);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->signed_length, wire.size() - 129);
  auto signed_part = sample.EncodeSignedPart();
  ASSERT_TRUE(signed_part);
  EXPECT_EQ(*signed_part, Bytes(wire.begin(), wire.begin() + m->signed_length));
  EXPECT_EQ(wire[m->signed_length - 2], 0x20);
  EXPECT_EQ(wire[m->signed_length - 1], 0x81);
}

TEST(IMessage, EveryTruncationFailsCleanly) {
  for (const IMessage& sample : {SampleGmkMessage(), SamplePckMessage()}) {
    Bytes wire = Encoded(sample);
    for (size_t n = 0; n < wire.size(); ++n) {
      auto m = IMessage::Decode(ByteView(wire).first(n));
      ASSERT_FALSE(m) << "prefix of " << n << " octets decoded";
      EXPECT_TRUE(m.error().kind() == ErrorKind::kTruncated ||
                  m.error().kind() == ErrorKind::kMalformed)
          << m.error().ToString();
      EXPECT_NE(m.error().message().find("offset"), std::string::npos) << m.error().ToString();
    }
  }
}

TEST(IMessage, TrailingOctetsAfterSignFail) {
  Bytes wire = Encoded(SamplePckMessage());
  wire.push_back(0);
  auto m = IMessage::Decode(wire);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message().find("after SIGN"), std::string::npos);
}

TEST(IMessage, OversizedMessageFails) {
  Bytes wire = Encoded(SamplePckMessage());
  wire.resize(kMaxIMessageBytes + 1);
  auto m = IMessage::Decode(wire);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message().find("over the maximum"), std::string::npos);
  IMessage big = SampleGmkMessage();
  for (Payload& p : big.payloads) {
    if (auto* ge = std::get_if<GeneralExtension>(&p); ge && ge->type == 6) {
      SakkePayload s{1, 2, testing::Filler(1024, 1)};
      *ge = *GeneralExtension::SakkeToSelf(s);
    }
  }
  EXPECT_TRUE(big.Encode());  // still under the limit
}

TEST(IMessage, UnknownPayloadTypeIsNamed) {
  Bytes wire = Encoded(SamplePckMessage());
  wire[10] = 1;  // T announces KEMAC instead of RAND
  auto m = IMessage::Decode(wire);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind(), ErrorKind::kMalformed);
  EXPECT_NE(m.error().message().find("payload KEMAC (type 1) at offset 20"), std::string::npos)
      << m.error().ToString();
  wire[10] = 99;
  auto m2 = IMessage::Decode(wire);
  ASSERT_FALSE(m2);
  EXPECT_NE(m2.error().message().find("type 99"), std::string::npos);
}

TEST(IMessage, MisplacedPayloadsAreNamed) {
  {
    Bytes wire = Encoded(SamplePckMessage());
    wire[2] = 11;  // HDR announces RAND first
    auto m = IMessage::Decode(wire);
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message().find("RAND payload at offset 10: misplaced, expected T"),
              std::string::npos)
        << m.error().ToString();
  }
  {
    IMessage s = SamplePckMessage();
    std::swap(s.payloads[2], s.payloads[3]);  // IDRr before IDRi
    EXPECT_FALSE(s.Encode());
    Bytes wire = Encoded(SamplePckMessage());
    wire[39] = 2;  // the first IDR's role becomes IDRr
    auto m = IMessage::Decode(wire);
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message().find("IDRr payload at offset 38: misplaced, expected IDRi"),
              std::string::npos)
        << m.error().ToString();
  }
  {
    IMessage s = SampleGmkMessage();
    s.payloads.insert(s.payloads.end() - 1, s.payloads[s.payloads.size() - 2]);  // 2nd type 7
    EXPECT_FALSE(s.Encode());
  }
  {
    Bytes wire = Encoded(SamplePckMessage());
    size_t sakke_at = wire.size() - 131 - 278;
    wire[sakke_at] = 0;  // SAKKE says "last"
    auto m = IMessage::Decode(wire);
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message().find("before SIGN"), std::string::npos);
  }
  {
    IMessage s = SamplePckMessage();
    s.payloads.pop_back();
    EXPECT_FALSE(s.Encode());
  }
}

TEST(IMessage, OversizedPayloadLengthsFail) {
  Bytes wire = Encoded(SamplePckMessage());
  // The IDRi length field (offset 39 role, 40 type, 41..42 length) claims 0x7000 octets.
  wire[41] = 0x70;
  auto m = IMessage::Decode(wire);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message().find("IDRi.ID len at offset 41"), std::string::npos)
      << m.error().ToString();
  Bytes wire2 = Encoded(SamplePckMessage());
  wire2[41] = 0x01;  // 0x0115 octets: within the limit but past the payloads that follow
  auto m2 = IMessage::Decode(wire2);
  ASSERT_FALSE(m2);
}

TEST(IMessage, UnknownExtensionTypeIsRefusedBothWays) {
  IMessage s = SamplePckMessage();
  s.payloads.insert(s.payloads.end() - 1, GeneralExtension{5, {0}});
  auto e = s.Encode();
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message().find("General Extension payload number 8: unknown type 5"),
            std::string::npos)
      << e.error().ToString();
  Bytes wire = Encoded(SampleGmkMessage());
  auto m = IMessage::Decode(wire);
  ASSERT_TRUE(m);
  // The SAKKE-to-self extension's type octet becomes 5.
  size_t ge_at = wire.size() - 131 - 75 - 282;
  ASSERT_EQ(wire[ge_at + 1], 6);
  wire[ge_at + 1] = 5;
  auto bad = IMessage::Decode(wire);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(bad.error().message().find(fmt::format("at offset {}: unknown type 5", ge_at)),
            std::string::npos)
      << bad.error().ToString();
}

// The seed corpus of fuzz/i_message_fuzzer.cpp (written by fuzz_seed_writer_test.cpp from the
// builder): every seed decodes and re-encodes byte for byte.
TEST(FuzzSeeds, CommittedSeedsRoundTrip) {
  const auto seed_dir = std::filesystem::path(KB_SOURCE_DIR) / "fuzz" / "corpus" / "i_message";
  ASSERT_TRUE(std::filesystem::exists(seed_dir)) << seed_dir;
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(seed_dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto m = IMessage::Decode(bytes);
    ASSERT_TRUE(m) << entry.path() << ": " << m.error().ToString();
    auto again = m->Encode();
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, bytes) << entry.path();
    ++n;
  }
  EXPECT_GE(n, 5u);
}

}  // namespace
}  // namespace kb::mikey
