// RFC 6508 Appendix A: SAKKE parameter set 1, every value of the worked example, the fast
// paths (Community, Receiver), random round trips and the rejections of 6.1 and 6.2.2.
#include "crypto/sakke.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/encoding.h"
#include "crypto/fp2.h"
#include "crypto/random.h"
#include "crypto/sakke_curve.h"
#include "crypto/sakke_pairing.h"
#include "crypto/sakke_scalar.h"
#include "testing/vectors.h"

namespace kb::crypto::sakke {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

const nlohmann::json& Doc() {
  static const nlohmann::json doc = LoadVectors("rfc6508-sakke.json");
  return doc;
}
nlohmann::json Params() { return FindVector(Doc(), "parameter-set-1").at("values"); }
nlohmann::json KmsVec() { return FindVector(Doc(), "appendix-a-kms-keys-and-rsk"); }
nlohmann::json EncVec() { return FindVector(Doc(), "appendix-a-encapsulation"); }
nlohmann::json DecVec() { return FindVector(Doc(), "appendix-a-decapsulation"); }

Bytes FpBytes(const Fp& a) {
  Bytes b(128);
  FpToBytes(a, b.data());
  return b;
}
Bytes ScalarBytes(const Scalar& a) {
  Bytes b(128);
  ScalarToBytes(a, b.data());
  return b;
}
Bytes Cat(ByteView a, ByteView b) {
  Bytes out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}
SecretBytes Secret(const Bytes& b) { return SecretBytes(ByteView(b)); }
AffinePoint Point(const Bytes& enc) {
  auto p = DecodePoint(enc, "test point");
  EXPECT_TRUE(p.has_value());
  return p.value_or(AffinePoint{});
}

// The receiver for the RFC example, built once (line table + validation pairing).
const Receiver& RfcReceiver() {
  static const Receiver* receiver = [] {
    auto community = Community::Create(Hex(KmsVec().at("outputs").at("z_point")));
    EXPECT_TRUE(community.has_value());
    auto r = Receiver::Create(*community, Hex(KmsVec().at("inputs").at("b")),
                              Secret(Hex(KmsVec().at("outputs").at("rsk_point"))));
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().ToString());
    return new Receiver(std::move(*r));
  }();
  return *receiver;
}

TEST(SakkeParams, ConstantsAreConsistent) {
  auto v = Params();
  Bytes p = Hex(v.at("p")), q = Hex(v.at("q"));
  EXPECT_EQ(ScalarBytes(OrderQ()), q);
  // q = (p + 1) / 4
  Limbs pl = LimbsFromBytes(p), ql = LimbsFromBytes(q);
  Limbs q4{};
  for (int i = kLimbs - 1; i >= 0; --i) q4[i] = (ql[i] << 2) | (i > 0 ? ql[i - 1] >> 62 : 0);
  q4[0] -= 1;
  EXPECT_EQ(q4, pl);
  EXPECT_EQ(EncodePoint(BasePointP()), Hex(v.at("p_point")));
  EXPECT_TRUE(IsOnCurve(BasePointP()));
  EXPECT_EQ(FpBytes(GeneratorG()), Hex(v.at("g")));
}

TEST(SakkeParams, PairingOfPWithItselfIsG) {
  EXPECT_EQ(FpBytes(Pairing(BasePointP(), BasePointP())), Hex(Params().at("g")));
}

TEST(SakkeParams, OrderOfP) {
  // [q-1]P = -P, so [q]P = O.
  Scalar qm1 = OrderQ();
  qm1[0] -= 1;
  uint64_t exc = 0;
  AffinePoint a = ToAffine(CombP().Mul(qm1, &exc));
  EXPECT_EQ(exc, 0u);
  Fp ny;
  FpNeg(ny, BasePointP().y);
  EXPECT_EQ(FpBytes(a.x), FpBytes(BasePointP().x));
  EXPECT_EQ(FpBytes(a.y), FpBytes(ny));
}

TEST(SakkeField, ArithmeticIdentities) {
  Fp a = FpFromLimbs(LimbsFromBytes(Hex(Params().at("px"))));
  Fp b = FpFromLimbs(LimbsFromBytes(Hex(Params().at("py"))));
  Fp inv, prod, s, d, sq, ab;
  FpInv(inv, a);
  FpMul(prod, a, inv);
  EXPECT_EQ(FpBytes(prod), FpBytes(FpOne()));
  FpAdd(s, a, b);
  FpSub(d, s, b);
  EXPECT_EQ(FpBytes(d), FpBytes(a));
  FpSqr(sq, a);
  FpMul(ab, a, a);
  EXPECT_EQ(FpBytes(sq), FpBytes(ab));
  FpInv(inv, FpZero());
  EXPECT_EQ(FpBytes(inv), Bytes(128, 0));
  EXPECT_FALSE(FpFromBytes(Hex(Params().at("p")), "x").has_value());
}

TEST(SakkeKms, MasterKeyAndRskFromTheRfc) {
  auto v = KmsVec();
  auto keys = KmsKeysFromSecret(Hex(v.at("inputs").at("z")));
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(keys->z_pub, Hex(v.at("outputs").at("z_point")));
  auto rsk = IssueRsk(*keys, Hex(v.at("inputs").at("b")));
  ASSERT_TRUE(rsk.has_value());
  EXPECT_EQ(Bytes(rsk->Reveal().begin(), rsk->Reveal().end()),
            Hex(v.at("outputs").at("rsk_point")));
  EXPECT_EQ(
      Cat(Bytes{0x04}, Cat(Hex(v.at("outputs").at("rsk_x")), Hex(v.at("outputs").at("rsk_y")))),
      Hex(v.at("outputs").at("rsk_point")));
}

TEST(SakkeKms, RskValidation) {
  auto v = KmsVec();
  Bytes z_pub = Hex(v.at("outputs").at("z_point"));
  Bytes b = Hex(v.at("inputs").at("b"));
  SecretBytes rsk = Secret(Hex(v.at("outputs").at("rsk_point")));
  EXPECT_TRUE(ValidateRsk(z_pub, b, rsk).has_value());
  // The RSK of another identity, or another point, is rejected.
  Bytes other = b;
  other.back() ^= 1;
  auto r = ValidateRsk(z_pub, other, rsk);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
  auto p = ValidateRsk(z_pub, b, Secret(EncodePoint(BasePointP())));
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().kind(), ErrorKind::kCryptoFailure);
  Bytes bad = Hex(v.at("outputs").at("rsk_point"));
  bad[200] ^= 1;  // off the curve
  auto m = ValidateRsk(z_pub, b, Secret(bad));
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().kind(), ErrorKind::kMalformed);
}

TEST(SakkeKms, RejectsIdPlusZEqualZero) {
  auto keys = KmsKeysFromSecret(Hex(KmsVec().at("inputs").at("z")));
  ASSERT_TRUE(keys.has_value());
  Scalar z = ScalarFromBytes(keys->z.Reveal());
  Bytes id = ScalarBytes(ScalarNegRaw(z));  // q - z
  auto rsk = IssueRsk(*keys, id);
  ASSERT_FALSE(rsk.has_value());
  EXPECT_EQ(rsk.error().kind(), ErrorKind::kInvalidArgument);
  // id = 2q - z is the same integer mod q.
  Bytes id2(129, 0);
  Scalar q = OrderQ();
  Scalar t = ScalarNegRaw(z);
  uint64_t carry = 0;
  Limbs sum{};
  for (int i = 0; i < kLimbs; ++i) {
    uint64_t s = q[i] + t[i];
    uint64_t c1 = s < q[i] ? 1 : 0;
    sum[i] = s + carry;
    carry = c1 | (sum[i] < s ? 1 : 0);
  }
  ASSERT_EQ(carry, 0u);
  EXPECT_FALSE(IssueRsk(*keys, ScalarBytes(sum)).has_value());
}

TEST(SakkeKms, RejectsBadMasterSecrets) {
  for (const Bytes& z : {Bytes{0}, Bytes{1}, Bytes{}, Hex(Params().at("q")), Bytes(129, 1)}) {
    auto k = KmsKeysFromSecret(z);
    ASSERT_FALSE(k.has_value());
    EXPECT_EQ(k.error().kind(), ErrorKind::kInvalidArgument);
  }
  EXPECT_TRUE(KmsKeysFromSecret(Bytes{2}).has_value());
}

TEST(SakkeEncapsulation, EveryValueOfTheRfcExample) {
  auto v = EncVec();
  Bytes ssv = Hex(v.at("inputs").at("ssv")), b = Hex(v.at("inputs").at("b"));
  Bytes z_pub = Hex(v.at("inputs").at("z_point"));
  const auto& out = v.at("outputs");
  Scalar r = HashToRangeQ(Cat(ssv, b));
  EXPECT_EQ(ScalarBytes(r), Hex(out.at("r")));
  // R_(b,S) = [r*b]P + [r]Z
  FixedBaseComb comb_z(Point(z_pub));
  uint64_t exc = 0;
  Scalar rb = ScalarMulMod(r, ScalarFromBytes(b));
  AffinePoint rbs = ToAffine(FixedBaseComb::Mul2(CombP(), rb, comb_z, r, &exc));
  EXPECT_EQ(exc, 0u);
  EXPECT_EQ(EncodePoint(rbs), Hex(out.at("r_bs_point")));
  EXPECT_EQ(FpBytes(rbs.x), Hex(out.at("r_bs_x")));
  EXPECT_EQ(FpBytes(rbs.y), Hex(out.at("r_bs_y")));
  // g^r in PF_p, by the comb and by square-and-multiply.
  Bytes gr = FpBytes(Fp2Representative(GTable().Pow(r)));
  EXPECT_EQ(gr, Hex(out.at("g_pow_r")));
  EXPECT_EQ(FpBytes(Fp2Representative(PfPowPlain(GeneratorG(), r))), gr);
  uint8_t mask[16];
  HashToRange128(gr, mask);
  EXPECT_EQ(Bytes(mask, mask + 16), Hex(out.at("mask")));
  Bytes h(16);
  for (int i = 0; i < 16; ++i) h[i] = ssv[i] ^ mask[i];
  EXPECT_EQ(h, Hex(out.at("h")));
  Bytes data = Hex(out.at("encapsulated_data"));
  EXPECT_EQ(data.size(), kEncapsulatedBytes);
  EXPECT_EQ(Cat(Hex(out.at("r_bs_point")), h), data);
  // The API: free function and Community fast path.
  auto enc = Encapsulate(Secret(ssv), z_pub, b);
  ASSERT_TRUE(enc.has_value());
  EXPECT_EQ(*enc, data);
  auto community = Community::Create(z_pub);
  ASSERT_TRUE(community.has_value());
  auto enc2 = community->Encapsulate(Secret(ssv), b);
  ASSERT_TRUE(enc2.has_value());
  EXPECT_EQ(*enc2, data);
}

TEST(SakkeEncapsulation, RejectsBadInputs) {
  Bytes z_pub = Hex(KmsVec().at("outputs").at("z_point"));
  Bytes b = Hex(KmsVec().at("inputs").at("b"));
  EXPECT_EQ(Encapsulate(SecretBytes(15), z_pub, b).error().kind(), ErrorKind::kInvalidArgument);
  Bytes bad = z_pub;
  bad[5] ^= 1;
  EXPECT_EQ(Encapsulate(SecretBytes(16), bad, b).error().kind(), ErrorKind::kMalformed);
  EXPECT_FALSE(Community::Create(Bytes(z_pub.begin(), z_pub.end() - 1)).has_value());
}

TEST(SakkePairing, RfcPairingGenericAndLineTable) {
  auto v = DecVec();
  Bytes data = Hex(v.at("inputs").at("encapsulated_data"));
  AffinePoint r = Point(Bytes(data.begin(), data.begin() + 257));
  AffinePoint k = Point(Hex(v.at("inputs").at("rsk_point")));
  Bytes w = Hex(v.at("outputs").at("w"));
  EXPECT_EQ(FpBytes(Pairing(r, k)), w);
  LineTable table(k);
  EXPECT_EQ(table.bytes(), 1533u * 2 * 128);
  EXPECT_EQ(FpBytes(Fp2Representative(table.Evaluate(r))), w);
}

TEST(SakkeDecapsulation, PublishedDataFreeFunctionAndReceiver) {
  auto v = DecVec();
  Bytes data = Hex(v.at("inputs").at("encapsulated_data"));
  Bytes ssv = Hex(v.at("outputs").at("ssv"));
  auto s = Decapsulate(data, Hex(v.at("inputs").at("z_point")), Hex(v.at("inputs").at("b")),
                       Secret(Hex(v.at("inputs").at("rsk_point"))));
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(*s, Secret(ssv));
  auto s2 = RfcReceiver().Decapsulate(data);
  ASSERT_TRUE(s2.has_value()) << s2.error().ToString();
  EXPECT_EQ(*s2, Secret(ssv));
}

TEST(SakkeDecapsulation, TamperedHFailsTheTestCheck) {
  Bytes data = Hex(DecVec().at("inputs").at("encapsulated_data"));
  for (size_t bit : {0u, 77u, 127u}) {
    Bytes t = data;
    t[257 + bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto s = RfcReceiver().Decapsulate(t);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().kind(), ErrorKind::kCryptoFailure);
  }
  // The free function as well.
  auto v = DecVec();
  Bytes t = data;
  t.back() ^= 0x80;
  auto s = Decapsulate(t, Hex(v.at("inputs").at("z_point")), Hex(v.at("inputs").at("b")),
                       Secret(Hex(v.at("inputs").at("rsk_point"))));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().kind(), ErrorKind::kCryptoFailure);
}

TEST(SakkeDecapsulation, TamperedR) {
  Bytes data = Hex(DecVec().at("inputs").at("encapsulated_data"));
  // Off the curve.
  Bytes off = data;
  off[100] ^= 0x01;
  auto s = RfcReceiver().Decapsulate(off);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().kind(), ErrorKind::kMalformed);
  // Wrong prefix, coordinate >= p.
  Bytes pre = data;
  pre[0] = 0x02;
  EXPECT_EQ(RfcReceiver().Decapsulate(pre).error().kind(), ErrorKind::kMalformed);
  Bytes big = data;
  std::fill(big.begin() + 1, big.begin() + 129, 0xff);
  EXPECT_EQ(RfcReceiver().Decapsulate(big).error().kind(), ErrorKind::kMalformed);
  // On the curve but not the sender's R: -R and P.
  Bytes neg = Cat(EncodePoint([&] {
                    AffinePoint r = Point(Bytes(data.begin(), data.begin() + 257));
                    FpNeg(r.y, r.y);
                    return r;
                  }()),
                  Bytes(data.begin() + 257, data.end()));
  EXPECT_EQ(RfcReceiver().Decapsulate(neg).error().kind(), ErrorKind::kCryptoFailure);
  Bytes p = Cat(EncodePoint(BasePointP()), Bytes(data.begin() + 257, data.end()));
  EXPECT_EQ(RfcReceiver().Decapsulate(p).error().kind(), ErrorKind::kCryptoFailure);
}

TEST(SakkeDecapsulation, TruncatedAndOversized) {
  Bytes data = Hex(DecVec().at("inputs").at("encapsulated_data"));
  for (size_t n : {0u, 1u, 257u, 272u}) {
    auto s = RfcReceiver().Decapsulate(ByteView(data).first(n));
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().kind(), ErrorKind::kMalformed);
  }
  Bytes longer = data;
  longer.push_back(0);
  EXPECT_EQ(RfcReceiver().Decapsulate(longer).error().kind(), ErrorKind::kMalformed);
}

TEST(SakkeDecapsulation, WrongIdentityAndWrongRsk) {
  auto v = DecVec();
  Bytes data = Hex(v.at("inputs").at("encapsulated_data"));
  Bytes z_pub = Hex(v.at("inputs").at("z_point"));
  Bytes b = Hex(v.at("inputs").at("b"));
  SecretBytes rsk = Secret(Hex(v.at("inputs").at("rsk_point")));
  Bytes other = b;
  other[0] ^= 0x01;
  // Decapsulating with the right key but a different identity fails the TEST check.
  auto s = Decapsulate(data, z_pub, other, rsk);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().kind(), ErrorKind::kCryptoFailure);
  // A receiver cannot be made with an RSK that is not the identity's.
  auto community = Community::Create(z_pub);
  ASSERT_TRUE(community.has_value());
  auto r = Receiver::Create(*community, other, rsk.Clone());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
  // The RSK of another identity under the same KMS does not open the data.
  auto keys = KmsKeysFromSecret(Hex(KmsVec().at("inputs").at("z")));
  ASSERT_TRUE(keys.has_value());
  auto wrong = IssueRsk(*keys, other);
  ASSERT_TRUE(wrong.has_value());
  auto s2 = Decapsulate(data, z_pub, b, *wrong);
  ASSERT_FALSE(s2.has_value());
  EXPECT_EQ(s2.error().kind(), ErrorKind::kCryptoFailure);
}

TEST(SakkeRoundTrip, RandomKeysIdentitiesAndSsvs) {
  KmsKeys kms = GenerateKmsKeys();
  EXPECT_EQ(kms.z.size(), kFieldBytes);
  EXPECT_EQ(kms.z_pub.size(), kPointBytes);
  auto community = Community::Create(kms.z_pub);
  ASSERT_TRUE(community.has_value());
  for (int user = 0; user < 2; ++user) {
    Bytes uid = RandomBytes(32);
    auto rsk = IssueRsk(kms, uid);
    ASSERT_TRUE(rsk.has_value());
    auto receiver = Receiver::Create(*community, uid, rsk->Clone());
    ASSERT_TRUE(receiver.has_value()) << receiver.error().ToString();
    for (int m = 0; m < 3; ++m) {
      SecretBytes ssv = RandomSecret(kSsvBytes);
      auto data = community->Encapsulate(ssv, uid);
      ASSERT_TRUE(data.has_value());
      ASSERT_EQ(data->size(), kEncapsulatedBytes);
      auto out = receiver->Decapsulate(*data);
      ASSERT_TRUE(out.has_value()) << out.error().ToString();
      EXPECT_EQ(*out, ssv);
    }
  }
}

TEST(SakkeRoundTrip, FreeFunctionsAgreeWithTheFastPaths) {
  KmsKeys kms = GenerateKmsKeys();
  Bytes uid = RandomBytes(32);
  auto rsk = IssueRsk(kms, uid);
  ASSERT_TRUE(rsk.has_value());
  EXPECT_TRUE(ValidateRsk(kms.z_pub, uid, *rsk).has_value());
  SecretBytes ssv = RandomSecret(kSsvBytes);
  auto data = Encapsulate(ssv, kms.z_pub, uid);
  ASSERT_TRUE(data.has_value());
  auto community = Community::Create(kms.z_pub);
  ASSERT_TRUE(community.has_value());
  EXPECT_EQ(*community->Encapsulate(ssv, uid), *data);  // deterministic given the SSV
  auto out = Decapsulate(*data, kms.z_pub, uid, *rsk);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, ssv);
}

TEST(SakkeRoundTrip, IdentityThatIsZeroModQ) {
  // b = q reduces to 0: [b]P + Z = Z, and the RSK is [z^-1]P.
  auto keys = KmsKeysFromSecret(Hex(KmsVec().at("inputs").at("z")));
  ASSERT_TRUE(keys.has_value());
  Bytes id = Hex(Params().at("q"));
  auto rsk = IssueRsk(*keys, id);
  ASSERT_TRUE(rsk.has_value());
  auto community = Community::Create(keys->z_pub);
  ASSERT_TRUE(community.has_value());
  auto receiver = Receiver::Create(*community, id, rsk->Clone());
  ASSERT_TRUE(receiver.has_value()) << receiver.error().ToString();
  SecretBytes ssv = RandomSecret(kSsvBytes);
  auto data = community->Encapsulate(ssv, id);
  ASSERT_TRUE(data.has_value());
  auto out = receiver->Decapsulate(*data);
  ASSERT_TRUE(out.has_value()) << out.error().ToString();
  EXPECT_EQ(*out, ssv);
}

TEST(SakkeReceiver, RejectsMalformedRsk) {
  auto community = Community::Create(Hex(KmsVec().at("outputs").at("z_point")));
  ASSERT_TRUE(community.has_value());
  Bytes rsk = Hex(KmsVec().at("outputs").at("rsk_point"));
  for (Bytes bad : {Bytes(rsk.begin(), rsk.end() - 1), Bytes{}, rsk}) {
    if (bad.size() == rsk.size()) bad[0] = 0x02;
    auto r = Receiver::Create(*community, Hex(KmsVec().at("inputs").at("b")), Secret(bad));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), ErrorKind::kMalformed) << r.error().ToString();
  }
}

TEST(SakkeScalar, CombMatchesForEdgeScalars) {
  // Small, even, odd and near-q scalars through the comb agree with repeated addition.
  AffinePoint p = BasePointP();
  JacobianPoint acc = ToJacobian(p);
  for (uint64_t k = 1; k <= 6; ++k) {
    Scalar s{};
    s[0] = k;
    uint64_t exc = 0;
    AffinePoint c = ToAffine(CombP().Mul(s, &exc));
    AffinePoint e = ToAffine(acc);
    EXPECT_EQ(exc, 0u) << k;
    EXPECT_EQ(EncodePoint(c), EncodePoint(e)) << k;
    acc = JacAddPublic(acc, ToJacobian(p));
  }
}

}  // namespace
}  // namespace kb::crypto::sakke
