// RFC 6507 ECCSI (RFC 6509 profile) tests: the Appendix A vector, round trips and rejections.
#include "crypto/eccsi.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>

#include <thread>
#include <vector>

#include "crypto/eccsi_p256.h"
#include "crypto/random.h"
#include "testing/vectors.h"

namespace kb::crypto::eccsi {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;
namespace in = internal;

// The Appendix A values, loaded once per test.
struct AppendixA {
  Bytes ksak, v, j, id, m, kpak, pvt, hs, ssk, r, s, signature, he, y;

  AppendixA() {
    auto doc = LoadVectors("rfc6507-eccsi.json");
    auto a = FindVector(doc, "appendix-a");
    auto in_ = a.at("inputs");
    auto out = a.at("outputs");
    ksak = Hex(in_.at("ksak"));
    v = Hex(in_.at("v"));
    j = Hex(in_.at("j"));
    id = Hex(in_.at("id"));
    m = Hex(in_.at("m"));
    kpak = Hex(out.at("kpak"));
    pvt = Hex(out.at("pvt"));
    hs = Hex(out.at("hs"));
    ssk = Hex(out.at("ssk"));
    r = Hex(out.at("r"));
    s = Hex(out.at("s"));
    signature = Hex(out.at("signature"));
    auto b = FindVector(doc, "appendix-a-intermediates");
    he = Hex(b.at("outputs").at("he"));
    y = Hex(b.at("outputs").at("y"));
  }

  UserKeys Keys() const { return UserKeys{SecretBytes(ByteView(ssk)), pvt}; }
};

void ExpectKind(const Status& st, ErrorKind kind) {
  ASSERT_FALSE(st.has_value()) << "accepted";
  EXPECT_EQ(st.error().kind(), kind) << st.error().ToString();
}

template <typename T>
void ExpectKind(const Result<T>& r, ErrorKind kind) {
  ASSERT_FALSE(r.has_value()) << "accepted";
  EXPECT_EQ(r.error().kind(), kind) << r.error().ToString();
}

Bytes Flip(ByteView in_bytes, size_t index, uint8_t mask = 0x01) {
  Bytes out(in_bytes.begin(), in_bytes.end());
  out.at(index) ^= mask;
  return out;
}

Bytes BnOctets(const BIGNUM* bn) {
  Bytes out(32);
  EXPECT_EQ(BN_bn2binpad(bn, out.data(), 32), 32);
  return out;
}

// --- RFC 6507 Appendix A ------------------------------------------------------------------

TEST(EccsiAppendixA, VectorShape) {
  AppendixA a;
  EXPECT_EQ(a.kpak.size(), kPointBytes);
  EXPECT_EQ(a.pvt.size(), kPointBytes);
  EXPECT_EQ(a.signature.size(), kSignatureBytes);
  EXPECT_EQ(a.id.size(), 26u);
}

TEST(EccsiAppendixA, KpakFromKsak) {
  AppendixA a;
  auto kms = KmsKeysFromKsak(a.ksak);
  ASSERT_TRUE(kms) << kms.error().ToString();
  EXPECT_EQ(kms->kpak, a.kpak);
  EXPECT_TRUE(kms->ksak.Reveal().size() == 32 && std::ranges::equal(kms->ksak.Reveal(), a.ksak));
}

TEST(EccsiAppendixA, IssueFromV) {
  AppendixA a;
  auto kms = KmsKeysFromKsak(a.ksak);
  ASSERT_TRUE(kms);
  auto keys = IssueUserKeysWithV(*kms, a.id, a.v);
  ASSERT_TRUE(keys) << keys.error().ToString();
  EXPECT_EQ(keys->pvt, a.pvt);
  EXPECT_TRUE(std::ranges::equal(keys->ssk.Reveal(), a.ssk)) << "SSK differs from the RFC's";
}

TEST(EccsiAppendixA, ValidationGivesHs) {
  AppendixA a;
  auto hs = ValidateUserKeys(a.kpak, a.id, a.Keys());
  ASSERT_TRUE(hs) << hs.error().ToString();
  EXPECT_EQ(*hs, a.hs);
}

TEST(EccsiAppendixA, SignatureFromJ) {
  AppendixA a;
  auto signer = Signer::Create(a.kpak, a.id, a.Keys());
  ASSERT_TRUE(signer) << signer.error().ToString();
  EXPECT_TRUE(std::ranges::equal(signer->hs(), a.hs));
  EXPECT_TRUE(std::ranges::equal(signer->pvt(), a.pvt));
  auto sig = signer->SignWithJ(a.m, a.j);
  ASSERT_TRUE(sig) << sig.error().ToString();
  ASSERT_EQ(sig->size(), kSignatureBytes);
  EXPECT_EQ(Bytes(sig->begin(), sig->begin() + 32), a.r);
  EXPECT_EQ(Bytes(sig->begin() + 32, sig->begin() + 64), a.s);
  EXPECT_EQ(*sig, a.signature);
}

TEST(EccsiAppendixA, HeIntermediate) {
  AppendixA a;
  in::Digest he = in::HashHe(a.hs, a.r, a.m);
  EXPECT_EQ(Bytes(he.begin(), he.end()), a.he);
  in::Digest hs = in::HashHs(a.kpak, a.id, a.pvt);
  EXPECT_EQ(Bytes(hs.begin(), hs.end()), a.hs);
}

TEST(EccsiAppendixA, YIntermediate) {
  AppendixA a;
  auto verifier = Verifier::Create(a.kpak, a.id, a.pvt);
  ASSERT_TRUE(verifier) << verifier.error().ToString();
  EXPECT_EQ(Bytes(verifier->y().begin(), verifier->y().end()), a.y);
  EXPECT_TRUE(std::ranges::equal(verifier->hs(), a.hs));
}

TEST(EccsiAppendixA, SignatureVerifies) {
  AppendixA a;
  auto st = Verify(a.kpak, a.id, a.m, a.signature);
  EXPECT_TRUE(st) << st.error().ToString();
  auto verifier = Verifier::Create(a.kpak, a.id, a.pvt);
  ASSERT_TRUE(verifier);
  auto st2 = verifier->Verify(a.m, a.signature);
  EXPECT_TRUE(st2) << st2.error().ToString();
}

// --- Round trip with fresh keys ------------------------------------------------------------

TEST(EccsiRoundTrip, GenerateIssueValidateSignVerify) {
  KmsKeys kms = GenerateKmsKeys();
  ASSERT_EQ(kms.ksak.size(), kScalarBytes);
  ASSERT_EQ(kms.kpak.size(), kPointBytes);
  auto again = KmsKeysFromKsak(kms.ksak.Reveal());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->kpak, kms.kpak);

  Bytes uid = RandomBytes(32);  // a TS 33.180 UID is 32 octets
  auto keys = IssueUserKeys(kms, uid);
  ASSERT_TRUE(keys) << keys.error().ToString();
  EXPECT_EQ(keys->ssk.size(), kScalarBytes);
  EXPECT_EQ(keys->pvt.size(), kPointBytes);
  auto hs = ValidateUserKeys(kms.kpak, uid, *keys);
  ASSERT_TRUE(hs) << hs.error().ToString();

  Bytes pvt = keys->pvt;
  auto signer = Signer::Create(kms.kpak, uid, std::move(*keys));
  ASSERT_TRUE(signer) << signer.error().ToString();
  EXPECT_TRUE(std::ranges::equal(signer->hs(), *hs));

  Bytes message = RandomBytes(200);
  auto sig1 = signer->Sign(message);
  auto sig2 = signer->Sign(message);
  ASSERT_TRUE(sig1 && sig2);
  EXPECT_NE(*sig1, *sig2) << "two signatures share j";
  EXPECT_TRUE(std::ranges::equal(ByteView(*sig1).subspan(64), pvt));

  EXPECT_TRUE(Verify(kms.kpak, uid, message, *sig1));
  EXPECT_TRUE(Verify(kms.kpak, uid, message, *sig2));
  auto verifier = Verifier::Create(kms.kpak, uid, pvt);
  ASSERT_TRUE(verifier);
  EXPECT_TRUE(verifier->Verify(message, *sig1));
  EXPECT_TRUE(verifier->Verify(message, *sig2));

  // The empty message is a message too.
  auto empty_sig = signer->Sign({});
  ASSERT_TRUE(empty_sig);
  EXPECT_TRUE(Verify(kms.kpak, uid, {}, *empty_sig));
  ExpectKind(Verify(kms.kpak, uid, Bytes{0}, *empty_sig), ErrorKind::kCryptoFailure);
}

TEST(EccsiRoundTrip, ManySignaturesVerify) {
  AppendixA a;
  auto signer = Signer::Create(a.kpak, a.id, a.Keys());
  ASSERT_TRUE(signer);
  auto verifier = Verifier::Create(a.kpak, a.id, a.pvt);
  ASSERT_TRUE(verifier);
  for (int i = 0; i < 32; ++i) {
    Bytes message = RandomBytes(static_cast<size_t>(i));
    auto sig = signer->Sign(message);
    ASSERT_TRUE(sig);
    EXPECT_TRUE(verifier->Verify(message, *sig)) << "signature " << i;
  }
}

TEST(EccsiRoundTrip, SignAndVerifyFromTwoThreads) {
  AppendixA a;
  auto signer = Signer::Create(a.kpak, a.id, a.Keys());
  ASSERT_TRUE(signer);
  auto verifier = Verifier::Create(a.kpak, a.id, a.pvt);
  ASSERT_TRUE(verifier);
  std::vector<int> failures(2, 0);
  auto work = [&](int t) {
    for (int i = 0; i < 16; ++i) {
      Bytes message = {static_cast<uint8_t>(t), static_cast<uint8_t>(i)};
      auto sig = signer->Sign(message);
      if (!sig || !verifier->Verify(message, *sig)) ++failures[t];
    }
  };
  std::thread t0(work, 0);
  std::thread t1(work, 1);
  t0.join();
  t1.join();
  EXPECT_EQ(failures[0] + failures[1], 0);
}

// --- Verification rejects ------------------------------------------------------------------

TEST(EccsiVerify, TamperedMessage) {
  AppendixA a;
  ExpectKind(Verify(a.kpak, a.id, Flip(a.m, 0), a.signature), ErrorKind::kCryptoFailure);
  Bytes no_nul(a.m.begin(), a.m.end() - 1);  // "message" without its NUL
  ExpectKind(Verify(a.kpak, a.id, no_nul, a.signature), ErrorKind::kCryptoFailure);
}

TEST(EccsiVerify, TamperedR) {
  AppendixA a;
  ExpectKind(Verify(a.kpak, a.id, a.m, Flip(a.signature, 31)), ErrorKind::kCryptoFailure);
  ExpectKind(Verify(a.kpak, a.id, a.m, Flip(a.signature, 0, 0x80)), ErrorKind::kCryptoFailure);
}

TEST(EccsiVerify, TamperedS) {
  AppendixA a;
  ExpectKind(Verify(a.kpak, a.id, a.m, Flip(a.signature, 63)), ErrorKind::kCryptoFailure);
  ExpectKind(Verify(a.kpak, a.id, a.m, Flip(a.signature, 40, 0x10)), ErrorKind::kCryptoFailure);
}

TEST(EccsiVerify, RAndSOutOfRangeAreMalformed) {
  AppendixA a;
  auto with = [&](size_t offset, const Bytes& value) {
    Bytes sig = a.signature;
    std::ranges::copy(value, sig.begin() + static_cast<ptrdiff_t>(offset));
    return sig;
  };
  Bytes zero(32, 0);
  Bytes p = BnOctets(in::Prime());
  Bytes q = BnOctets(in::Order());
  ExpectKind(Verify(a.kpak, a.id, a.m, with(0, zero)), ErrorKind::kMalformed);
  ExpectKind(Verify(a.kpak, a.id, a.m, with(0, p)), ErrorKind::kMalformed);
  ExpectKind(Verify(a.kpak, a.id, a.m, with(0, Bytes(32, 0xff))), ErrorKind::kMalformed);
  ExpectKind(Verify(a.kpak, a.id, a.m, with(32, zero)), ErrorKind::kMalformed);
  ExpectKind(Verify(a.kpak, a.id, a.m, with(32, q)), ErrorKind::kMalformed);
  // s = q + 1 is the residue 1 written out of range: refused, not reduced.
  Bytes q_plus_1 = q;
  q_plus_1[31] = static_cast<uint8_t>(q_plus_1[31] + 1);  // q ends in 0x51: no carry
  ExpectKind(Verify(a.kpak, a.id, a.m, with(32, q_plus_1)), ErrorKind::kMalformed);
  // r = p - 1 is in range (a well-formed but wrong signature).
  Bytes p_minus_1 = p;
  p_minus_1[31] = static_cast<uint8_t>(p_minus_1[31] - 1);
  ExpectKind(Verify(a.kpak, a.id, a.m, with(0, p_minus_1)), ErrorKind::kCryptoFailure);
}

TEST(EccsiVerify, TamperedPvt) {
  AppendixA a;
  // A flipped bit in y leaves the curve: unparsable.
  ExpectKind(Verify(a.kpak, a.id, a.m, Flip(a.signature, 128)), ErrorKind::kMalformed);
  // Another valid PVT (issued to the same ID with another v): a well-formed forgery attempt.
  auto kms = KmsKeysFromKsak(a.ksak);
  ASSERT_TRUE(kms);
  Bytes v2 = a.v;
  v2[31] ^= 0x01;
  auto other = IssueUserKeysWithV(*kms, a.id, v2);
  ASSERT_TRUE(other);
  Bytes sig = a.signature;
  std::ranges::copy(other->pvt, sig.begin() + 64);
  ExpectKind(Verify(a.kpak, a.id, a.m, sig), ErrorKind::kCryptoFailure);
  // The cached verifier refuses a signature made under another PVT.
  auto verifier = Verifier::Create(a.kpak, a.id, a.pvt);
  ASSERT_TRUE(verifier);
  ExpectKind(verifier->Verify(a.m, sig), ErrorKind::kCryptoFailure);
  ExpectKind(verifier->Verify(a.m, Flip(a.signature, 128)), ErrorKind::kMalformed);
}

TEST(EccsiVerify, PvtOffTheCurveOrNotUncompressed) {
  AppendixA a;
  Bytes off = a.pvt;
  off[64] ^= 0x02;
  Bytes sig = a.signature;
  std::ranges::copy(off, sig.begin() + 64);
  ExpectKind(Verify(a.kpak, a.id, a.m, sig), ErrorKind::kMalformed);
  ExpectKind(Verifier::Create(a.kpak, a.id, off), ErrorKind::kMalformed);
  ExpectKind(ValidateUserKeys(a.kpak, a.id, UserKeys{SecretBytes(ByteView(a.ssk)), off}),
             ErrorKind::kMalformed);
  // The hybrid (0x06/0x07) and compressed prefixes are refused even where OpenSSL would decode.
  for (int prefix : {0x00, 0x02, 0x03, 0x06, 0x07}) {
    Bytes s2 = a.signature;
    s2[64] = static_cast<uint8_t>(prefix);
    ExpectKind(Verify(a.kpak, a.id, a.m, s2), ErrorKind::kMalformed);
  }
  // x = p (a coordinate not below p).
  Bytes big = a.pvt;
  Bytes p = BnOctets(in::Prime());
  std::ranges::copy(p, big.begin() + 1);
  ExpectKind(Verifier::Create(a.kpak, a.id, big), ErrorKind::kMalformed);
  // The error names the field and its offset in the signature.
  auto st = Verify(a.kpak, a.id, a.m, sig);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("PVT at offset 64"), std::string::npos)
      << st.error().message();
}

TEST(EccsiVerify, WrongId) {
  AppendixA a;
  ExpectKind(Verify(a.kpak, Flip(a.id, 10), a.m, a.signature), ErrorKind::kCryptoFailure);
  Bytes shorter(a.id.begin(), a.id.end() - 1);
  ExpectKind(Verify(a.kpak, shorter, a.m, a.signature), ErrorKind::kCryptoFailure);
}

TEST(EccsiVerify, WrongKpak) {
  AppendixA a;
  KmsKeys other = GenerateKmsKeys();
  ExpectKind(Verify(other.kpak, a.id, a.m, a.signature), ErrorKind::kCryptoFailure);
  ExpectKind(Verify(Flip(a.kpak, 64), a.id, a.m, a.signature), ErrorKind::kMalformed);
  ExpectKind(Verify(Bytes(a.kpak.begin(), a.kpak.end() - 1), a.id, a.m, a.signature),
             ErrorKind::kMalformed);
}

TEST(EccsiVerify, TruncatedOrOversizedSignature) {
  AppendixA a;
  for (size_t n : {size_t{0}, size_t{64}, size_t{128}}) {
    ExpectKind(Verify(a.kpak, a.id, a.m, ByteView(a.signature).first(n)), ErrorKind::kMalformed);
  }
  Bytes longer = a.signature;
  longer.push_back(0);
  ExpectKind(Verify(a.kpak, a.id, a.m, longer), ErrorKind::kMalformed);
  auto verifier = Verifier::Create(a.kpak, a.id, a.pvt);
  ASSERT_TRUE(verifier);
  ExpectKind(verifier->Verify(a.m, longer), ErrorKind::kMalformed);
  ExpectKind(verifier->Verify(a.m, ByteView(a.signature).first(128)), ErrorKind::kMalformed);
}

// --- Key validation and issue rejects ------------------------------------------------------

TEST(EccsiValidate, WrongSskIsRejected) {
  AppendixA a;
  UserKeys wrong{SecretBytes(ByteView(Flip(a.ssk, 31))), a.pvt};
  auto hs = ValidateUserKeys(a.kpak, a.id, wrong);
  ExpectKind(hs, ErrorKind::kCryptoFailure);
  // Neither the wrong nor the right SSK appears in the message.
  if (!hs) {
    EXPECT_EQ(hs.error().message().find(ToHex(a.ssk)), std::string::npos);
    EXPECT_EQ(hs.error().message().find(ToHex(Flip(a.ssk, 31))), std::string::npos);
  }
  ExpectKind(Signer::Create(a.kpak, a.id, UserKeys{SecretBytes(ByteView(Flip(a.ssk, 31))), a.pvt}),
             ErrorKind::kCryptoFailure);
}

TEST(EccsiValidate, SskOutOfRangeOrWrongLength) {
  AppendixA a;
  ExpectKind(ValidateUserKeys(a.kpak, a.id, UserKeys{SecretBytes(32), a.pvt}),
             ErrorKind::kCryptoFailure);
  ExpectKind(
      ValidateUserKeys(a.kpak, a.id, UserKeys{SecretBytes(ByteView(BnOctets(in::Order()))), a.pvt}),
      ErrorKind::kCryptoFailure);
  ExpectKind(
      ValidateUserKeys(a.kpak, a.id, UserKeys{SecretBytes(ByteView(a.ssk).first(31)), a.pvt}),
      ErrorKind::kMalformed);
}

TEST(EccsiValidate, WrongIdOrKpakOrPvt) {
  AppendixA a;
  ExpectKind(ValidateUserKeys(a.kpak, Flip(a.id, 0), a.Keys()), ErrorKind::kCryptoFailure);
  KmsKeys other = GenerateKmsKeys();
  ExpectKind(ValidateUserKeys(other.kpak, a.id, a.Keys()), ErrorKind::kCryptoFailure);
  auto kms = KmsKeysFromKsak(a.ksak);
  ASSERT_TRUE(kms);
  auto other_keys = IssueUserKeys(*kms, a.id);
  ASSERT_TRUE(other_keys);
  ExpectKind(
      ValidateUserKeys(a.kpak, a.id, UserKeys{SecretBytes(ByteView(a.ssk)), other_keys->pvt}),
      ErrorKind::kCryptoFailure);
  ExpectKind(ValidateUserKeys(Flip(a.kpak, 64), a.id, a.Keys()), ErrorKind::kMalformed);
}

TEST(EccsiKms, KsakOutOfRange) {
  ExpectKind(KmsKeysFromKsak(Bytes(32, 0)), ErrorKind::kInvalidArgument);
  ExpectKind(KmsKeysFromKsak(BnOctets(in::Order())), ErrorKind::kInvalidArgument);
  ExpectKind(KmsKeysFromKsak(Bytes(31, 1)), ErrorKind::kInvalidArgument);
  Bytes q_minus_1 = BnOctets(in::Order());
  q_minus_1[31] = static_cast<uint8_t>(q_minus_1[31] - 1);
  auto kms = KmsKeysFromKsak(q_minus_1);
  ASSERT_TRUE(kms) << kms.error().ToString();
  // [q-1]G = -G: same x as G.
  EXPECT_TRUE(
      std::ranges::equal(ByteView(kms->kpak).subspan(1, 32), in::GeneratorOctets().subspan(1, 32)));
}

TEST(EccsiKms, IssueRefusesMismatchedKpakAndBadV) {
  AppendixA a;
  auto kms = KmsKeysFromKsak(a.ksak);
  ASSERT_TRUE(kms);
  KmsKeys mismatched{kms->ksak.Clone(), GenerateKmsKeys().kpak};
  ExpectKind(IssueUserKeys(mismatched, a.id), ErrorKind::kInvalidArgument);
  ExpectKind(IssueUserKeysWithV(*kms, a.id, Bytes(32, 0)), ErrorKind::kInvalidArgument);
  ExpectKind(IssueUserKeysWithV(*kms, a.id, BnOctets(in::Order())), ErrorKind::kInvalidArgument);
}

TEST(EccsiSign, BadJIsRejected) {
  AppendixA a;
  auto signer = Signer::Create(a.kpak, a.id, a.Keys());
  ASSERT_TRUE(signer);
  ExpectKind(signer->SignWithJ(a.m, Bytes(32, 0)), ErrorKind::kInvalidArgument);
  ExpectKind(signer->SignWithJ(a.m, BnOctets(in::Order())), ErrorKind::kInvalidArgument);
  ExpectKind(signer->SignWithJ(a.m, Bytes(33, 1)), ErrorKind::kInvalidArgument);
}

// --- Scalar arithmetic mod q against OpenSSL's generic functions ---------------------------

TEST(EccsiScalar, AddMulInvMatchBn) {
  BN_CTX* ctx = BN_CTX_new();
  ASSERT_NE(ctx, nullptr);
  const BIGNUM* q = in::Order();
  BIGNUM* a = BN_new();
  BIGNUM* b = BN_new();
  BIGNUM* want = BN_new();
  BIGNUM* got = BN_new();
  ASSERT_TRUE(a && b && want && got);
  auto check_pair = [&]() {
    ASSERT_EQ(BN_mod_add(want, a, b, q, ctx), 1);
    ASSERT_TRUE(in::AddModQ(got, a, b));
    EXPECT_EQ(BN_cmp(want, got), 0) << "add";
    ASSERT_EQ(BN_mod_mul(want, a, b, q, ctx), 1);
    ASSERT_TRUE(in::MulModQ(got, a, b, ctx));
    EXPECT_EQ(BN_cmp(want, got), 0) << "mul";
    if (!BN_is_zero(a)) {
      ASSERT_NE(BN_mod_inverse(want, a, q, ctx), nullptr);
      ASSERT_TRUE(in::InvModQ(got, a, ctx));
      EXPECT_EQ(BN_cmp(want, got), 0) << "inv";
    }
  };
  // Edges: 0, 1, q-1 in every combination (q-1 + q-1 carries out of 256 bits).
  std::vector<BIGNUM*> edges;
  for (int e = 0; e < 3; ++e) {
    BIGNUM* x = BN_new();
    ASSERT_NE(x, nullptr);
    if (e == 0) BN_zero(x);
    if (e == 1) BN_one(x);
    if (e == 2) {
      BN_copy(x, q);
      BN_sub_word(x, 1);
    }
    edges.push_back(x);
  }
  for (BIGNUM* x : edges) {
    for (BIGNUM* y : edges) {
      BN_copy(a, x);
      BN_copy(b, y);
      check_pair();
    }
  }
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(BN_rand_range(a, q), 1);
    ASSERT_EQ(BN_rand_range(b, q), 1);
    check_pair();
  }
  for (BIGNUM* x : edges) BN_free(x);
  BN_free(a);
  BN_free(b);
  BN_free(want);
  BN_free(got);
  BN_CTX_free(ctx);
}

}  // namespace
}  // namespace kb::crypto::eccsi
