// RFC 3830 6 / RFC 6043 / RFC 6509 / TS 33.180 E.1.2, E.6: byte-level tests of each payload.
#include <gtest/gtest.h>

#include "codec_fixtures.h"
#include "core/encoding.h"

namespace kb::mikey {
namespace {

using testing::Filler;
using testing::Hex;

template <typename T>
Bytes EncodeWithNext(const T& p, uint8_t next) {
  ByteWriter w;
  auto st = p.Encode(w, next);
  EXPECT_TRUE(st) << st.error().ToString();
  return std::move(w).Take();
}

TEST(CommonHeader, GenericIdMapBytes) {
  // version 1, SAKKE msg, next T, V=0 PRF 1, CSB-ID, #CS 1, GENERIC-ID, CS-ID 4, SRTP, S=0 #P=1,
  // policy 0, no session data, SPI of 8 octets.
  Bytes wire = Hex("011a0501 0633f457 01 02 04 00 01 00 0000 08 1111111106 33f457");
  ByteReader r(wire);
  uint8_t next = 0;
  auto h = CommonHeader::Decode(r, next);
  ASSERT_TRUE(h) << h.error().ToString();
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(next, 5);
  EXPECT_EQ(h->version, 1);
  EXPECT_EQ(h->data_type, 26);
  EXPECT_FALSE(h->v);
  EXPECT_EQ(h->prf_func, 1);
  EXPECT_EQ(h->csb_id, 0x0633F457u);
  EXPECT_EQ(h->map_type, CsIdMapType::kGenericId);
  ASSERT_EQ(h->cs.size(), 1u);
  EXPECT_EQ(h->cs[0].cs_id, 4);
  EXPECT_EQ(h->cs[0].policies, std::vector<uint8_t>{0});
  EXPECT_EQ(h->cs[0].spi, Hex("111111110633f457"));
  ByteWriter w;
  ASSERT_TRUE(h->Encode(w, next));
  EXPECT_EQ(w.bytes(), wire);
}

TEST(CommonHeader, EmptyMapBytesAndVFlag) {
  Bytes wire = Hex("011a05 81 10000001 00 01");
  ByteReader r(wire);
  uint8_t next = 0;
  auto h = CommonHeader::Decode(r, next);
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->v);
  EXPECT_EQ(h->prf_func, 1);
  EXPECT_EQ(h->map_type, CsIdMapType::kEmpty);
  EXPECT_TRUE(h->cs.empty());
  ByteWriter w;
  ASSERT_TRUE(h->Encode(w, 5));
  EXPECT_EQ(w.bytes(), wire);
}

TEST(CommonHeader, SessionDataAndSFlagRoundTrip) {
  CommonHeader h;
  h.map_type = CsIdMapType::kGenericId;
  h.cs.push_back({6, 0, true, {1, 2}, Hex("aabbccdd"), Hex("20000007")});
  h.cs.push_back({7, 0, false, {}, {}, {}});
  ByteWriter w;
  ASSERT_TRUE(h.Encode(w, 5));
  EXPECT_EQ(w.bytes(), Hex("011a0501 00000000 02 02 06 00 82 0102 0004 aabbccdd 04 20000007"
                           "07 00 00 0000 00"));
  ByteReader r(w.view());
  uint8_t next = 0;
  auto back = CommonHeader::Decode(r, next);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, h);
}

TEST(CommonHeader, RejectsMapMismatchAndSrtpIdMap) {
  uint8_t next = 0;
  {
    Bytes wire = Hex("011a0501 00000000 01 01");  // empty map with #CS 1
    ByteReader r(wire);
    auto h = CommonHeader::Decode(r, next);
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().kind(), ErrorKind::kMalformed);
    EXPECT_NE(h.error().message().find("HDR.#CS"), std::string::npos);
  }
  {
    Bytes wire = Hex("011a0501 00000000 00 02");  // GENERIC-ID with #CS 0
    ByteReader r(wire);
    EXPECT_EQ(CommonHeader::Decode(r, next).error().kind(), ErrorKind::kMalformed);
  }
  {
    Bytes wire = Hex("011a0501 00000000 01 00 00 00000000 00000000");  // SRTP-ID map
    ByteReader r(wire);
    auto h = CommonHeader::Decode(r, next);
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().kind(), ErrorKind::kUnsupported);
    EXPECT_NE(h.error().message().find("CS ID map type at offset 9"), std::string::npos);
  }
  CommonHeader bad;
  bad.map_type = CsIdMapType::kGenericId;
  ByteWriter w;
  EXPECT_FALSE(bad.Encode(w, 5));
}

TEST(TimestampPayload, NtpUtcBytes) {
  TimestampPayload t = TimestampPayload::NtpUtc(NtpTime::FromSeconds(0xE8A1B2C3u, 0x80000000u));
  Bytes wire = EncodeWithNext(t, 11);
  EXPECT_EQ(wire, Hex("0b 00 e8a1b2c3 80000000"));
  ByteReader r(wire);
  uint8_t next = 0;
  auto back = TimestampPayload::Decode(r, next);
  ASSERT_TRUE(back);
  EXPECT_EQ(next, 11);
  EXPECT_EQ(*back, t);
  EXPECT_EQ(back->time().seconds(), 0xE8A1B2C3u);
}

TEST(TimestampPayload, CounterAndUnknownType) {
  Bytes counter = Hex("0b 02 00000007");
  ByteReader r(counter);
  uint8_t next = 0;
  auto t = TimestampPayload::Decode(r, next);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->ts_value, 7u);
  EXPECT_EQ(EncodeWithNext(*t, 11), counter);
  Bytes unknown = Hex("0b 03 00000007");
  ByteReader r2(unknown);
  auto u = TimestampPayload::Decode(r2, next);
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(u.error().message().find("T.TS type at offset 1"), std::string::npos);
}

TEST(RandPayload, BytesAndZeroLength) {
  RandPayload p{Hex("4339f62f55aac86348846a482c893802")};
  Bytes wire = EncodeWithNext(p, 14);
  EXPECT_EQ(wire, Hex("0e 10 4339f62f55aac86348846a482c893802"));
  ByteReader r(wire);
  uint8_t next = 0;
  EXPECT_EQ(*RandPayload::Decode(r, next), p);
  Bytes zero = Hex("0e 00");
  ByteReader rz(zero);
  EXPECT_EQ(RandPayload::Decode(rz, next).error().kind(), ErrorKind::kMalformed);
  ByteWriter w;
  EXPECT_FALSE(RandPayload{}.Encode(w, 14));
}

TEST(IdrPayload, UriAndUidBytes) {
  IdrPayload uri = IdrPayload::Uri(IdRole::kIdrkmsi, "kms.example.org");
  Bytes expected = Hex("0e 06 01 000f");
  Bytes kms = ToBytes("kms.example.org");
  expected.insert(expected.end(), kms.begin(), kms.end());
  EXPECT_EQ(EncodeWithNext(uri, 14), expected);
  IdrPayload uid{9, 2, Filler(32, 1)};
  Bytes wire = EncodeWithNext(uid, 26);
  ASSERT_EQ(wire.size(), 5u + 32u);
  ByteReader r(wire);
  uint8_t next = 0;
  auto back = IdrPayload::Decode(r, next);
  ASSERT_TRUE(back);
  EXPECT_EQ(next, 26);
  EXPECT_EQ(*back, uid);
}

TEST(IdrPayload, RejectsUnknownRoleTypeAndOversizedId) {
  uint8_t next = 0;
  Bytes role3 = Hex("0e 03 01 0001 41");
  ByteReader r1(role3);
  auto e1 = IdrPayload::Decode(r1, next);
  ASSERT_FALSE(e1);
  EXPECT_NE(e1.error().message().find("IDR.ID Role at offset 1: unknown role 3"),
            std::string::npos);
  Bytes nai = Hex("0e 02 00 0001 41");
  ByteReader r2(nai);
  auto e2 = IdrPayload::Decode(r2, next);
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(e2.error().message().find("IDRr.ID Type"), std::string::npos);
  Bytes big = Hex("0e 02 01 0401");  // 1025 octets announced
  big.resize(big.size() + 1025, 0x41);
  ByteReader r3(big);
  auto e3 = IdrPayload::Decode(r3, next);
  ASSERT_FALSE(e3);
  EXPECT_NE(e3.error().message().find("IDRr.ID len at offset 3: 1025 octets"), std::string::npos);
}

TEST(SecurityPolicyPayload, GroupDefaultBytes) {
  SecurityPolicyPayload sp = SecurityPolicyPayload::GroupDefault();
  Bytes wire = EncodeWithNext(sp, 26);
  // TS 33.180 Table E.2-1: 0:06 1:10 2:04 4:0C 5:00 6:00 13:01 18:04 19:00 20:10.
  EXPECT_EQ(wire, Hex("1a 00 00 001e 000106 010110 020104 04010c 050100 060100 0d0101 120104"
                      "130100 140110"));
  ByteReader r(wire);
  uint8_t next = 0;
  auto back = SecurityPolicyPayload::Decode(r, next);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, sp);
  EXPECT_EQ(back->ParamValue(SrtpParam::kAeadAuthTagLength), 16u);
  EXPECT_EQ(back->ParamValue(SrtpParam::kRocTransmissionRate), 1u);
  EXPECT_FALSE(SecurityPolicyPayload::PrivateDefault().ParamValue(SrtpParam::kRocTransmissionRate));
}

TEST(SecurityPolicyPayload, ParameterOverrunsItsList) {
  Bytes wire = Hex("1a 00 00 0003 000206");  // value length 2 but only 1 octet in the list
  ByteReader r(wire);
  uint8_t next = 0;
  auto e = SecurityPolicyPayload::Decode(r, next);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), ErrorKind::kTruncated);
  EXPECT_NE(e.error().message().find("SP.Policy param.value"), std::string::npos);
}

TEST(SakkePayload, BytesAndLengthLimits) {
  SakkePayload s{1, 2, Filler(273, 3)};
  Bytes wire = EncodeWithNext(s, 4);
  EXPECT_EQ(Bytes(wire.begin(), wire.begin() + 5), Hex("04 01 02 0111"));
  ByteReader r(wire);
  uint8_t next = 0;
  EXPECT_EQ(*SakkePayload::Decode(r, next), s);
  Bytes big = Hex("04 01 02 0401");
  big.resize(big.size() + 1025);
  ByteReader rb(big);
  auto e = SakkePayload::Decode(rb, next);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message().find("SAKKE.SAKKE data length at offset 3"), std::string::npos);
}

TEST(GeneralExtension, SakkeToSelfBytes) {
  SakkePayload inner{1, 2, Filler(273, 9)};
  auto ge = GeneralExtension::SakkeToSelf(inner);
  ASSERT_TRUE(ge);
  Bytes wire = EncodeWithNext(*ge, 4);
  EXPECT_EQ(Bytes(wire.begin(), wire.begin() + 9), Hex("04 06 0116 00 01 02 0111"));
  ByteReader r(wire);
  uint8_t next = 0;
  auto back = GeneralExtension::Decode(r, next);
  ASSERT_TRUE(back) << back.error().ToString();
  uint8_t inner_next = 0xFF;
  EXPECT_EQ(*back->InnerSakke(&inner_next), inner);
  EXPECT_EQ(inner_next, 0);
}

TEST(GeneralExtension, RejectsUnknownTypeBadInnerAndOversize) {
  uint8_t next = 0;
  Bytes unknown = Hex("04 05 0001 00");
  ByteReader r1(unknown);
  auto e1 = GeneralExtension::Decode(r1, next);
  ASSERT_FALSE(e1);
  EXPECT_NE(e1.error().message().find("General Extension.Type at offset 1: unknown type 5"),
            std::string::npos);
  Bytes bad_inner = Hex("04 06 0004 00010200");  // SAKKE with zero data length
  ByteReader r2(bad_inner);
  auto e2 = GeneralExtension::Decode(r2, next);
  ASSERT_FALSE(e2);
  EXPECT_NE(e2.error().message().find("General Extension(SAKKE-to-self)"), std::string::npos);
  Bytes big = Hex("04 07 1001");
  big.resize(big.size() + 4097);
  ByteReader r3(big);
  auto e3 = GeneralExtension::Decode(r3, next);
  ASSERT_FALSE(e3);
  EXPECT_NE(e3.error().message().find("General Extension.length at offset 2"), std::string::npos);
}

TEST(SignPayload, HeaderPacksTypeAndLength) {
  SignPayload s{2, Filler(129, 5)};
  ByteWriter w;
  ASSERT_TRUE(s.Encode(w));
  EXPECT_EQ(w.bytes()[0], 0x20);
  EXPECT_EQ(w.bytes()[1], 0x81);
  ByteReader r(w.view());
  EXPECT_EQ(*SignPayload::Decode(r), s);
  Bytes zero = Hex("2000");
  ByteReader rz(zero);
  EXPECT_EQ(SignPayload::Decode(rz).error().kind(), ErrorKind::kMalformed);
}

TEST(ProtectedPayload, LayoutIs35OctetsOfHeader) {
  ProtectedPayload p;
  p.date_time = 0x0102030405;
  p.payload_id = 0;
  p.iv.fill(0xAA);
  p.dppk_id = 0x0633F457;
  p.sealed = Filler(36, 1);  // 20 octets of plaintext + 16-octet tag, as in the public example
  auto wire = p.Encode();
  ASSERT_TRUE(wire);
  ASSERT_EQ(wire->size(), 71u);
  EXPECT_EQ(Bytes(wire->begin(), wire->begin() + 12), Hex("43 0102030405 00000000 00 01"));
  EXPECT_EQ(Bytes(wire->begin() + 28, wire->begin() + 35), Hex("0633f457 00 0024"));
  Bytes aad = p.Aad();
  ASSERT_EQ(aad.size(), 32u);
  EXPECT_EQ(Bytes(aad.begin(), aad.begin() + 12), Bytes(wire->begin(), wire->begin() + 12));
  EXPECT_EQ(Bytes(aad.begin() + 12, aad.end()), Bytes(wire->begin() + 12, wire->begin() + 32));
  ByteReader r(*wire);
  auto back = ProtectedPayload::Decode(r);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, p);
}

TEST(ProtectedPayload, RejectsShortSealedAndTrailingOctets) {
  ProtectedPayload p;
  p.sealed = Filler(16, 1);
  Bytes wire = *p.Encode();
  Bytes shorter = wire;
  shorter[33] = 0x00;
  shorter[34] = 0x0F;
  shorter.pop_back();
  ByteReader r1(shorter);
  auto e1 = ProtectedPayload::Decode(r1);
  ASSERT_FALSE(e1);
  EXPECT_NE(e1.error().message().find("Protected payload.IE length at offset 33"),
            std::string::npos);
  Bytes longer = wire;
  longer.push_back(0);
  ByteReader r2(longer);
  EXPECT_EQ(ProtectedPayload::Decode(r2).error().kind(), ErrorKind::kMalformed);
}

TEST(KeyParameters, PlaintextOfTheShapeOfThePublicExampleIs20Octets) {
  KeyParameters k;  // GMK, not revoked, both times zero, no text, no group IDs
  auto wire = k.Encode();
  ASSERT_TRUE(wire);
  EXPECT_EQ(*wire, Hex("00 00000001 0000000000 0000000000 0000 0001 00"));
  auto back = KeyParameters::Decode(*wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, k);
  EXPECT_TRUE(back->not_revoked());
  EXPECT_FALSE(back->shared_with_security_gateway());
}

TEST(KeyParameters, FullRoundTrip) {
  KeyParameters k;
  k.key_type = 0;
  k.status = kKeyStatusNotRevoked | kKeyStatusSharedWithSecurityGateway;
  k.activation_time = 3'900'000'000u;
  k.expiry_time = 0xFFFFFFFFFFu;
  k.text = "fire brigade";
  k.group_ids = {{kMcGroupIdIei, "sip:group1@example.org"}, {0x5A, "sip:g2@example.org"}};
  k.reserved = Hex("beef");
  auto wire = k.Encode();
  ASSERT_TRUE(wire);
  auto back = KeyParameters::Decode(*wire);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, k);
  EXPECT_TRUE(back->shared_with_security_gateway());
  EXPECT_EQ(*back->Encode(), *wire);
}

TEST(KeyParameters, GroupIdsAbsentAndBadCount) {
  Bytes no_groups = Hex("01 00000001 0000000000 0000000000 0000");
  auto k = KeyParameters::Decode(no_groups);
  ASSERT_TRUE(k);
  EXPECT_FALSE(k->group_ids_present);
  EXPECT_EQ(*k->Encode(), no_groups);
  Bytes bad_count = Hex("00 00000001 0000000000 0000000000 0000 0001 01");
  auto e = KeyParameters::Decode(bad_count);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), ErrorKind::kTruncated);
  EXPECT_NE(e.error().message().find("MC group ID.IEI"), std::string::npos);
  for (size_t n = 0; n < 17; ++n) {
    EXPECT_FALSE(KeyParameters::Decode(ByteView(no_groups).first(n))) << n;
  }
}

}  // namespace
}  // namespace kb::mikey
