// keybridge extension (NOT TS 33.180): the LMR root key General Extension (0xF1): codec, KEK
// derivation, wrap, and the worked example of docs/lmr-root-key.md (fixed expected octets,
// computed independently of this code).
#include "mikey/lmr_root_key_extension.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/aes.h"
#include "crypto/kdf.h"
#include "mikey/general_extension.h"

namespace kb::mikey {
namespace {

Bytes Hex(std::string_view h) { return *FromHex(h); }

SecretBytes Seq(uint8_t first, size_t n) {
  SecretBytes k(n);
  for (size_t i = 0; i < n; ++i) k.RevealMutable()[i] = static_cast<uint8_t>(first + i);
  return k;
}

RootKeyInfo P25Info(std::string name = "ALICE-UKEK-1") {
  RootKeyInfo i;
  i.lmr_type = LmrType::kP25;
  i.key_kind = RootKeyKind::kP25Ukek;
  i.algid = 0x84;
  i.kid = 0x1234;
  i.rotation_serial = 7;
  i.key_name = std::move(name);
  return i;
}

constexpr uint32_t kCsbId = 0xF2A5C3E1;

// docs/lmr-root-key.md, "Worked example".
TEST(LmrRootKeyExtension, WorkedExampleOctets) {
  SecretBytes ssv = Seq(0x00, 16);
  SecretBytes root = Seq(0x10, 32);
  auto ext = SealRootKey(P25Info(), root, ssv, kCsbId);
  ASSERT_TRUE(ext) << ext.error().ToString();
  EXPECT_EQ(ext->wrap, RootKeyWrap::kRfc3394);

  auto binding = ext->EncodeBinding();
  ASSERT_TRUE(binding);
  EXPECT_EQ(crypto::Kdf33220Input(0xF1, {Hex("f2a5c3e1"), AsBytes(kLmrRootKeyKdfLabel), *binding}),
            Hex("f1f2a5c3e100046b65796272696467652d6c6d722d726f6f742d6b65790016010101841234"
                "000000070c414c4943452d554b454b2d31010018"));
  SecretBytes kek = DeriveRootKeyKek(ssv, kCsbId, *binding);
  EXPECT_EQ(ToHex(kek.Reveal()), "6257bcfea1dd882699ddb92b7b6ea507");
  EXPECT_EQ(ToHex(ext->wrapped),
            "67816f8a106bc186b113429021acbcde15edca617e4b358632ed47f67c77f62d8bf3378d8449db84");
  auto wire = ext->Encode();
  ASSERT_TRUE(wire);
  EXPECT_EQ(ToHex(*wire),
            "010101841234000000070c414c4943452d554b454b2d31012867816f8a106bc186b113429021acbcde"
            "15edca617e4b358632ed47f67c77f62d8bf3378d8449db84");
  EXPECT_EQ(wire->size(), 65u);

  auto back = LmrRootKeyExtension::Decode(*wire);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, *ext);
  auto key = UnsealRootKey(*back, ssv, kCsbId);
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_TRUE(*key == root);
}

TEST(LmrRootKeyExtension, TetraEightyBitKeyUsesRfc5649) {
  SecretBytes ssv = Seq(0x00, 16);
  SecretBytes root = Seq(0xA0, 10);
  RootKeyInfo info;
  info.lmr_type = LmrType::kTetra;
  info.key_kind = RootKeyKind::kTetraKek;
  info.algid = 0x02;
  info.kid = 0x0042;
  info.rotation_serial = 1;
  info.key_name = "KEK";
  auto ext = SealRootKey(info, root, ssv, kCsbId);
  ASSERT_TRUE(ext) << ext.error().ToString();
  EXPECT_EQ(ext->wrap, RootKeyWrap::kRfc5649);
  EXPECT_EQ(ToHex(*ext->Encode()),
            "01020202004200000001034b454b02180833eb6f8637e7ca1c306ebfc8eefe4e3b06372ab4af762a");
  auto key = UnsealRootKey(*ext, ssv, kCsbId);
  ASSERT_TRUE(key);
  EXPECT_TRUE(*key == root);
}

TEST(LmrRootKeyExtension, OneTwentyEightAndTwoFiftySixBitKeys) {
  SecretBytes ssv = Seq(0x40, 16);
  for (auto [algid, n] : {std::pair<uint8_t, size_t>{0x85, 16}, {0x84, 32}}) {
    RootKeyInfo info = P25Info();
    info.algid = algid;
    SecretBytes root = Seq(0x77, n);
    auto ext = SealRootKey(info, root, ssv, kCsbId);
    ASSERT_TRUE(ext) << ext.error().ToString();
    EXPECT_EQ(ext->wrap, RootKeyWrap::kRfc3394);
    EXPECT_EQ(ext->wrapped.size(), n + 8);
    auto key = UnsealRootKey(*LmrRootKeyExtension::Decode(*ext->Encode()), ssv, kCsbId);
    ASSERT_TRUE(key);
    EXPECT_TRUE(*key == root);
  }
}

TEST(LmrRootKeyExtension, KeyLengthMustFitTheP25Algid) {
  SecretBytes ssv = Seq(0, 16);
  RootKeyInfo info = P25Info();  // 0x84 AES-256
  auto r = SealRootKey(info, Seq(1, 16), ssv, kCsbId);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(r.error().message().find("ALGID 0x84"), std::string::npos);
  info.algid = 0x42;  // unknown here: any length in range
  EXPECT_TRUE(SealRootKey(info, Seq(1, 24), ssv, kCsbId));
  EXPECT_FALSE(SealRootKey(info, Seq(1, 4), ssv, kCsbId));
  EXPECT_FALSE(SealRootKey(info, Seq(1, 65), ssv, kCsbId));
  // The CSB ID must carry purpose tag 15.
  EXPECT_FALSE(SealRootKey(P25Info(), Seq(1, 32), ssv, 0x12345678));
}

TEST(LmrRootKeyExtension, KeyNameEdgeCases) {
  SecretBytes ssv = Seq(0, 16);
  SecretBytes root = Seq(9, 32);
  auto seal = [&](std::string name) {
    return SealRootKey(P25Info(std::move(name)), root, ssv, kCsbId);
  };
  // Accepted: empty, 255 octets, non-ASCII UTF-8 (2-, 3- and 4-octet sequences).
  for (std::string ok :
       {std::string(), std::string(255, 'k'), std::string("\xC3\x9Cnit-\xE9\x8D\xB5"),
        std::string("\xF0\x9F\x94\x91")}) {
    auto ext = seal(ok);
    ASSERT_TRUE(ext) << ext.error().ToString();
    auto back = LmrRootKeyExtension::Decode(*ext->Encode());
    ASSERT_TRUE(back) << back.error().ToString();
    EXPECT_EQ(back->info.key_name, ok);
  }
  EXPECT_EQ(seal(std::string(256, 'k')).error().kind(), ErrorKind::kInvalidArgument);
  // Refused: control characters, DEL, C1 controls, bad UTF-8 (lone lead, overlong,
  // surrogate, truncated, above U+10FFFF).
  for (std::string bad :
       {std::string("a\nb"), std::string("a\0b", 3), std::string("\x7F"), std::string("\xC2\x85"),
        std::string("\xC3"), std::string("\xC0\x80"), std::string("\xED\xA0\x80"),
        std::string("ab\xE9\x8D"), std::string("\xF4\x90\x80\x80"), std::string("\xFF")}) {
    auto r = seal(bad);
    ASSERT_FALSE(r) << "accepted a bad name";
    EXPECT_EQ(r.error().kind(), ErrorKind::kMalformed);
    EXPECT_NE(r.error().message().find("key name"), std::string::npos);
  }
}

TEST(LmrRootKeyExtension, EveryTruncationFailsAndTrailingOctetsToo) {
  auto ext = SealRootKey(P25Info(), Seq(3, 32), Seq(0, 16), kCsbId);
  ASSERT_TRUE(ext);
  Bytes wire = *ext->Encode();
  for (size_t n = 0; n < wire.size(); ++n) {
    auto r = LmrRootKeyExtension::Decode(ByteView(wire).first(n));
    ASSERT_FALSE(r) << "prefix of " << n << " octets decoded";
    EXPECT_TRUE(r.error().kind() == ErrorKind::kTruncated ||
                r.error().kind() == ErrorKind::kMalformed)
        << r.error().ToString();
  }
  Bytes longer = wire;
  longer.push_back(0);
  EXPECT_FALSE(LmrRootKeyExtension::Decode(longer));
  // Through the General Extension codec, with a consistent outer length.
  ByteWriter w;
  w.U8(0)
      .U8(kLmrRootKeyExtensionType)
      .U16(static_cast<uint16_t>(wire.size() - 1))
      .Append(ByteView(wire).first(wire.size() - 1));
  ByteReader r(w.bytes());
  uint8_t next = 0;
  auto ge = GeneralExtension::Decode(r, next);
  ASSERT_FALSE(ge);
  EXPECT_NE(ge.error().message().find("LMR root key"), std::string::npos);
}

TEST(LmrRootKeyExtension, DecoderRejectsBadFields) {
  Bytes wire = *SealRootKey(P25Info(), Seq(3, 32), Seq(0, 16), kCsbId)->Encode();
  auto with = [&](size_t at, uint8_t v) {
    Bytes b = wire;
    b[at] = v;
    return LmrRootKeyExtension::Decode(b);
  };
  EXPECT_EQ(with(0, 2).error().kind(), ErrorKind::kUnsupported);  // version
  EXPECT_EQ(with(1, 3).error().kind(), ErrorKind::kUnsupported);  // LMR type
  EXPECT_EQ(with(2, 2).error().kind(), ErrorKind::kMalformed);    // kind of another type
  size_t wrap_at = 11 + 12;
  EXPECT_EQ(with(wrap_at, 3).error().kind(), ErrorKind::kUnsupported);
  // RFC 3394 with a length that is not 24 or 40.
  ASSERT_EQ(wire.size(), wrap_at + 2 + 40);
  Bytes b(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(wrap_at + 2 + 32));
  b[wrap_at + 1] = 32;
  EXPECT_EQ(LmrRootKeyExtension::Decode(b).error().kind(), ErrorKind::kMalformed);
}

TEST(LmrRootKeyExtension, UnwrapFailsUnderAnotherSsvCsbIdOrAlteredClearField) {
  SecretBytes ssv = Seq(0, 16);
  SecretBytes root = Seq(5, 32);
  auto ext = SealRootKey(P25Info(), root, ssv, kCsbId);
  ASSERT_TRUE(ext);
  EXPECT_EQ(UnsealRootKey(*ext, Seq(1, 16), kCsbId).error().kind(), ErrorKind::kCryptoFailure);
  EXPECT_EQ(UnsealRootKey(*ext, ssv, kCsbId ^ 1).error().kind(), ErrorKind::kCryptoFailure);
  LmrRootKeyExtension altered = *ext;
  altered.info.kid = 0x4321;  // the clear fields are bound into the KEK
  EXPECT_EQ(UnsealRootKey(altered, ssv, kCsbId).error().kind(), ErrorKind::kCryptoFailure);
  altered = *ext;
  altered.info.rotation_serial = 8;
  EXPECT_EQ(UnsealRootKey(altered, ssv, kCsbId).error().kind(), ErrorKind::kCryptoFailure);
  altered = *ext;
  altered.wrapped[3] ^= 0x01;
  auto r = UnsealRootKey(altered, ssv, kCsbId);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
  EXPECT_NE(r.error().message().find("integrity"), std::string::npos);
}

}  // namespace
}  // namespace kb::mikey
