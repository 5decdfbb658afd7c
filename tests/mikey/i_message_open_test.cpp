// TS 33.180 E.2-E.7 / mc-security.md section 9: I_MESSAGEs for GMK, PCK and CSK created with
// real SAKKE and ECCSI keys, opened, and rejected for each receiver check.
#include <gtest/gtest.h>

#include "crypto/mc_identity.h"
#include "mikey/key_parameters_protection.h"
#include "mikey_fixture.h"

namespace kb::mikey {
namespace {

using testing::Csk;
using testing::DefaultCreate;
using testing::DefaultOpen;
using testing::Gmk;
using testing::Now;
using testing::Pck;
using testing::TestCommunity;

const TestCommunity& C() { return TestCommunity::Get(); }

Bytes Create(const testing::TestUser& from, const testing::TestUser& to, const DistributedKey& key,
             const CreateOptions& o = DefaultCreate()) {
  auto m = CreateIMessage(from.AsInitiator(), to.AsResponder(), key, o);
  EXPECT_TRUE(m) << m.error().ToString();
  return m ? m->message : Bytes{};
}

// Decodes, lets f alter the structure, and signs again with from's key (a validly signed
// message with one field changed).
template <typename F>
Bytes Resigned(const Bytes& wire, const testing::TestUser& from, F f) {
  auto m = IMessage::Decode(wire);
  EXPECT_TRUE(m) << m.error().ToString();
  f(*m);
  auto out = SignIMessage(*m, *from.signer);
  EXPECT_TRUE(out) << out.error().ToString();
  return out ? *out : Bytes{};
}

void ExpectError(const Result<OpenedIMessage>& r, ErrorKind kind, std::string_view text) {
  ASSERT_FALSE(r) << "opened, expected: " << text;
  EXPECT_EQ(r.error().kind(), kind) << r.error().ToString();
  EXPECT_NE(r.error().message().find(text), std::string::npos) << r.error().ToString();
}

TEST(IMessageOpen, GmkCreatedThenOpened) {
  DistributedKey gmk = Gmk();
  CreateOptions co = DefaultCreate();
  auto created = CreateIMessage(C().gms.AsInitiator(), C().bob.AsResponder(), gmk, co);
  ASSERT_TRUE(created) << created.error().ToString();
  uint32_t guk_id = crypto::GukIdFromGmkId(gmk.key_id, gmk.key.Reveal(), C().bob.uri);
  EXPECT_EQ(created->csb_id, guk_id);
  EXPECT_NE(guk_id, gmk.key_id);
  EXPECT_EQ(crypto::PurposeTagOf(guk_id), 0);

  auto opened = OpenIMessage(created->message, C().bob.AsReceiver(), DefaultOpen());
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(opened->key_type, crypto::PurposeTag::kGmk);
  EXPECT_TRUE(opened->key == gmk.key);
  EXPECT_EQ(opened->key_id, gmk.key_id);
  EXPECT_EQ(opened->csb_id, guk_id);
  EXPECT_EQ(opened->rand, created->rand);
  EXPECT_EQ(opened->rand.size(), 16u);
  EXPECT_EQ(opened->initiator_uri, C().gms.uri);
  EXPECT_EQ(opened->responder_uri, C().bob.uri);
  EXPECT_EQ(opened->initiator_uid, C().kms_a.pub.UidAt(C().gms.uri, Now()));
  EXPECT_EQ(opened->key_period_number, C().period);
  EXPECT_EQ(opened->prf_func, 1);
  ASSERT_EQ(opened->map_type, CsIdMapType::kGenericId);
  ASSERT_EQ(opened->cs.size(), 1u);
  EXPECT_EQ(opened->cs[0].cs_id, 4);
  ByteWriter spi;
  spi.U32(gmk.key_id).U32(guk_id);
  EXPECT_EQ(opened->cs[0].spi, spi.bytes());
  ASSERT_TRUE(opened->security_policy);
  EXPECT_EQ(*opened->security_policy, SecurityPolicyPayload::GroupDefault());
  EXPECT_FALSE(opened->key_parameters);

  // Another member gets another GUK-ID for the same GMK.
  Bytes to_alice = Create(C().gms, C().alice, gmk);
  auto for_alice = OpenIMessage(to_alice, C().alice.AsReceiver(), DefaultOpen());
  ASSERT_TRUE(for_alice) << for_alice.error().ToString();
  EXPECT_EQ(for_alice->key_id, gmk.key_id);
  EXPECT_NE(for_alice->csb_id, guk_id);
}

TEST(IMessageOpen, GmkMessageHasTheExpectedLayout) {
  Bytes wire = Create(C().gms, C().bob, Gmk());
  auto m = IMessage::Decode(wire);
  ASSERT_TRUE(m);
  // HDR 25, T 10, RAND 18, IDRi/IDRr 5+19 and 5+19, IDRkms 2 x (5+15), SP 5+30, SAKKE 5+273,
  // SIGN 2+129.
  EXPECT_EQ(wire.size(), 25u + 10 + 18 + 24 + 24 + 40 + 35 + 278 + 131);
  EXPECT_EQ(m->Find<SignPayload>()->signature.size(), 129u);
  EXPECT_EQ(m->signed_length, wire.size() - 129);
}

TEST(IMessageOpen, PckCreatedThenOpened) {
  DistributedKey pck = Pck();
  Bytes wire = Create(C().alice, C().bob, pck);
  auto opened = OpenIMessage(wire, C().bob.AsReceiver(), DefaultOpen());
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(opened->key_type, crypto::PurposeTag::kPck);
  EXPECT_TRUE(opened->key == pck.key);
  EXPECT_EQ(opened->key_id, pck.key_id);
  EXPECT_EQ(opened->csb_id, pck.key_id);
  EXPECT_EQ(opened->map_type, CsIdMapType::kEmpty);
  EXPECT_TRUE(opened->cs.empty());
  EXPECT_EQ(*opened->security_policy, SecurityPolicyPayload::PrivateDefault());
  EXPECT_EQ(opened->initiator_uri, C().alice.uri);
}

TEST(IMessageOpen, CskCreatedThenOpened) {
  DistributedKey csk = Csk();
  Bytes wire = Create(C().alice, C().bob, csk);
  auto opened = OpenIMessage(wire, C().bob.AsReceiver(), DefaultOpen());
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(opened->key_type, crypto::PurposeTag::kCsk);
  EXPECT_TRUE(opened->key == csk.key);
  EXPECT_EQ(opened->key_id, csk.key_id);
  ASSERT_EQ(opened->cs.size(), 1u);
  EXPECT_EQ(opened->cs[0].cs_id, 6);
  ByteWriter spi;
  spi.U32(csk.key_id);
  EXPECT_EQ(opened->cs[0].spi, spi.bytes());
}

TEST(IMessageOpen, BuilderRejectsInconsistentInputs) {
  DistributedKey wrong_tag = Gmk(0x1A1B2C3D);  // PCK purpose tag on a GMK
  auto r1 =
      CreateIMessage(C().gms.AsInitiator(), C().bob.AsResponder(), wrong_tag, DefaultCreate());
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().kind(), ErrorKind::kInvalidArgument);
  DistributedKey short_key{crypto::PurposeTag::kPck, 0x10000001, SecretBytes(15)};
  EXPECT_FALSE(
      CreateIMessage(C().alice.AsInitiator(), C().bob.AsResponder(), short_key, DefaultCreate()));
  // The signer's keys are for another period than T.
  auto r3 = CreateIMessage(C().bob_previous.AsInitiator(), C().alice.AsResponder(), Pck(),
                           DefaultCreate());
  ASSERT_FALSE(r3);
  EXPECT_EQ(r3.error().kind(), ErrorKind::kExpired);
  CreateOptions co = DefaultCreate();
  co.key_parameters = KeyParameters{};
  co.key_parameters->key_type = 1;  // PCK parameters on a GMK
  EXPECT_FALSE(CreateIMessage(C().gms.AsInitiator(), C().bob.AsResponder(), Gmk(), co));
}

TEST(IMessageOpen, IdentityHiding) {
  CreateOptions co = DefaultCreate();
  co.identity_hiding = true;
  DistributedKey gmk = Gmk();
  Bytes wire = Create(C().gms, C().bob, gmk, co);
  auto m = IMessage::Decode(wire);
  ASSERT_TRUE(m);
  ASSERT_NE(m->FindIdr(8), nullptr);
  ASSERT_NE(m->FindIdr(9), nullptr);
  EXPECT_EQ(m->FindIdr(1), nullptr);
  crypto::Uid bob_uid = C().kms_a.pub.UidAt(C().bob.uri, Now());
  EXPECT_EQ(m->FindIdr(9)->id, Bytes(bob_uid.begin(), bob_uid.end()));
  EXPECT_EQ(wire.size(), 25u + 10 + 18 + 37 + 37 + 40 + 35 + 278 + 131);

  auto opened = OpenIMessage(wire, C().bob.AsReceiver(), DefaultOpen());
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_TRUE(opened->key == gmk.key);
  EXPECT_EQ(opened->key_id, gmk.key_id);
  EXPECT_TRUE(opened->initiator_uri.empty());
  EXPECT_EQ(opened->initiator_uid, C().kms_a.pub.UidAt(C().gms.uri, Now()));
  EXPECT_EQ(opened->responder_uri, C().bob.uri);

  OpenOptions oo = DefaultOpen();
  oo.expected_initiator_uri = C().gms.uri;
  auto named = OpenIMessage(wire, C().bob.AsReceiver(), oo);
  ASSERT_TRUE(named) << named.error().ToString();
  EXPECT_EQ(named->initiator_uri, C().gms.uri);
  oo.expected_initiator_uri = C().alice.uri;
  ExpectError(OpenIMessage(wire, C().bob.AsReceiver(), oo), ErrorKind::kUnauthorised, "IDRuidi");
  ExpectError(OpenIMessage(wire, C().carol.AsReceiver(), DefaultOpen()), ErrorKind::kWrongRecipient,
              "IDRuidr");
}

TEST(IMessageOpen, SakkeToSelfOpenedByTheInitiator) {
  CreateOptions co = DefaultCreate();
  co.sakke_to_self = true;
  DistributedKey pck = Pck();
  Bytes wire = Create(C().alice, C().bob, pck, co);
  OpenOptions as_initiator = DefaultOpen();
  as_initiator.open_as = OpenAs::kInitiator;
  auto self = OpenIMessage(wire, C().alice.AsReceiver(), as_initiator);
  ASSERT_TRUE(self) << self.error().ToString();
  EXPECT_TRUE(self->key == pck.key);
  EXPECT_EQ(self->key_id, pck.key_id);
  // The responder still opens its own copy.
  auto theirs = OpenIMessage(wire, C().bob.AsReceiver(), DefaultOpen());
  ASSERT_TRUE(theirs) << theirs.error().ToString();
  EXPECT_TRUE(theirs->key == pck.key);
  // Bob is not the initiator; a message without the extension has no copy for alice.
  ExpectError(OpenIMessage(wire, C().bob.AsReceiver(), as_initiator), ErrorKind::kWrongRecipient,
              "IDRi");
  Bytes plain = Create(C().alice, C().bob, pck);
  ExpectError(OpenIMessage(plain, C().alice.AsReceiver(), as_initiator), ErrorKind::kNotFound,
              "SAKKE-to-self");
}

TEST(IMessageOpen, SakkeToSelfForAGmkWithIdentityHiding) {
  CreateOptions co = DefaultCreate();
  co.sakke_to_self = true;
  co.identity_hiding = true;
  DistributedKey gmk = Gmk();
  Bytes wire = Create(C().gms, C().bob, gmk, co);
  OpenOptions oo = DefaultOpen();
  oo.open_as = OpenAs::kInitiator;
  auto self = OpenIMessage(wire, C().gms.AsReceiver(), oo);
  ASSERT_TRUE(self) << self.error().ToString();
  EXPECT_TRUE(self->key == gmk.key);
  EXPECT_EQ(self->key_id, gmk.key_id);
}

TEST(IMessageOpen, KeyParametersRoundTrip) {
  CreateOptions co = DefaultCreate();
  KeyParameters kp;
  kp.key_type = 0;
  kp.status = kKeyStatusNotRevoked | kKeyStatusSharedWithSecurityGateway;
  kp.activation_time = testing::kNowSeconds - 10;
  kp.expiry_time = testing::kNowSeconds + 86400;
  kp.text = "group 1 key";
  kp.group_ids = {{kMcGroupIdIei, "sip:group1@example.org"}, {kMcGroupIdIei, "sip:g2@x.org"}};
  co.key_parameters = kp;
  Bytes wire = Create(C().gms, C().bob, Gmk(), co);
  auto opened = OpenIMessage(wire, C().bob.AsReceiver(), DefaultOpen());
  ASSERT_TRUE(opened) << opened.error().ToString();
  ASSERT_TRUE(opened->key_parameters);
  EXPECT_EQ(*opened->key_parameters, kp);
  EXPECT_TRUE(opened->key_parameters->shared_with_security_gateway());
  auto m = IMessage::Decode(wire);
  ASSERT_TRUE(m);
  const GeneralExtension* ge = m->FindExtension(GeneralExtensionType::kKeyParameters);
  ASSERT_NE(ge, nullptr);
  ByteReader r(ge->data);
  auto pp = ProtectedPayload::Decode(r);
  ASSERT_TRUE(pp);
  EXPECT_EQ(pp->dppk_id, opened->csb_id);
  EXPECT_EQ(pp->date_time, testing::kNowSeconds);
}

TEST(IMessageOpen, KeyParametersChecks) {
  auto with = [](KeyParameters kp) {
    CreateOptions co = DefaultCreate();
    co.key_parameters = kp;
    return Create(C().gms, C().bob, Gmk(), co);
  };
  KeyParameters revoked;
  revoked.status = 0;
  ExpectError(OpenIMessage(with(revoked), C().bob.AsReceiver(), DefaultOpen()),
              ErrorKind::kUnauthorised, "revoked");
  KeyParameters later;
  later.activation_time = testing::kNowSeconds + 60;
  ExpectError(OpenIMessage(with(later), C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kExpired,
              "Activation time");
  KeyParameters expired;
  expired.expiry_time = testing::kNowSeconds - 1;
  ExpectError(OpenIMessage(with(expired), C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kExpired,
              "Expiry time");

  // Key Type disagreeing with the purpose tag, sealed correctly and signed.
  Bytes good = with(KeyParameters{});
  DistributedKey gmk = Gmk();
  auto opened = OpenIMessage(good, C().bob.AsReceiver(), DefaultOpen());
  ASSERT_TRUE(opened);
  Bytes wrong_type = Resigned(good, C().gms, [&](IMessage& m) {
    KeyParameters kp;
    kp.key_type = 1;
    auto pp = SealKeyParameters(kp, gmk.key, m.hdr.csb_id, Now());
    ASSERT_TRUE(pp);
    for (Payload& p : m.payloads) {
      if (auto* ge = std::get_if<GeneralExtension>(&p); ge && ge->type == 7) {
        ge->data = *pp->Encode();
      }
    }
  });
  ExpectError(OpenIMessage(wrong_type, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kMalformed,
              "Key Type");

  // A flipped ciphertext octet, signed again: the GCM tag fails.
  Bytes bad_tag = Resigned(good, C().gms, [](IMessage& m) {
    for (Payload& p : m.payloads) {
      if (auto* ge = std::get_if<GeneralExtension>(&p); ge && ge->type == 7) ge->data[40] ^= 1;
    }
  });
  ExpectError(OpenIMessage(bad_tag, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kCryptoFailure,
              "AES-GCM");
  // The date/time of the clear header is authenticated too.
  Bytes bad_aad = Resigned(good, C().gms, [](IMessage& m) {
    for (Payload& p : m.payloads) {
      if (auto* ge = std::get_if<GeneralExtension>(&p); ge && ge->type == 7) ge->data[5] ^= 1;
    }
  });
  ExpectError(OpenIMessage(bad_aad, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kCryptoFailure,
              "AES-GCM");
}

TEST(IMessageOpen, TamperedSignatureFails) {
  Bytes wire = Create(C().alice, C().bob, Pck());
  Bytes bad_s = wire;
  bad_s[wire.size() - 129 + 40] ^= 0x01;  // inside s
  ExpectError(OpenIMessage(bad_s, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kCryptoFailure,
              "SIGN");
  Bytes bad_r = wire;
  bad_r[wire.size() - 129 + 3] ^= 0x80;  // inside r
  ExpectError(OpenIMessage(bad_r, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kCryptoFailure,
              "SIGN");
  Bytes bad_content = wire;
  bad_content[30] ^= 0x01;  // inside RAND
  ExpectError(OpenIMessage(bad_content, C().bob.AsReceiver(), DefaultOpen()),
              ErrorKind::kCryptoFailure, "SIGN");
  Bytes bad_header = wire;
  bad_header[wire.size() - 130] ^= 0x01;  // the SIGN header is signed: length 129 -> 128
  EXPECT_FALSE(OpenIMessage(bad_header, C().bob.AsReceiver(), DefaultOpen()));
  // Signed by someone else (carol) under alice's name.
  Bytes forged = Resigned(wire, C().carol, [](IMessage&) {});
  ExpectError(OpenIMessage(forged, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kCryptoFailure,
              "SIGN");
}

TEST(IMessageOpen, TamperedSakkeDataFails) {
  Bytes wire = Create(C().alice, C().bob, Pck());
  // Unsigned change: the signature catches it.
  auto m = IMessage::Decode(wire);
  ASSERT_TRUE(m);
  Bytes unsigned_change = wire;
  unsigned_change[wire.size() - 131 - 10] ^= 0x01;  // inside H
  ExpectError(OpenIMessage(unsigned_change, C().bob.AsReceiver(), DefaultOpen()),
              ErrorKind::kCryptoFailure, "SIGN");
  // Signed change of H: the SAKKE R re-derivation check catches it.
  Bytes bad_h =
      Resigned(wire, C().alice, [](IMessage& msg) { msg.Find<SakkePayload>()->data[270] ^= 0x01; });
  ExpectError(OpenIMessage(bad_h, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kCryptoFailure,
              "SAKKE");
  // Signed change of R: off the curve, or a different point.
  Bytes bad_r =
      Resigned(wire, C().alice, [](IMessage& msg) { msg.Find<SakkePayload>()->data[100] ^= 0x01; });
  auto r = OpenIMessage(bad_r, C().bob.AsReceiver(), DefaultOpen());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("SAKKE"), std::string::npos) << r.error().ToString();
  // Wrong SAKKE parameters, ID scheme and length.
  ExpectError(OpenIMessage(Resigned(wire, C().alice,
                                    [](IMessage& msg) { msg.Find<SakkePayload>()->params = 2; }),
                           C().bob.AsReceiver(), DefaultOpen()),
              ErrorKind::kUnsupported, "SAKKE params");
  ExpectError(OpenIMessage(Resigned(wire, C().alice,
                                    [](IMessage& msg) { msg.Find<SakkePayload>()->id_scheme = 1; }),
                           C().bob.AsReceiver(), DefaultOpen()),
              ErrorKind::kUnsupported, "ID scheme");
  ExpectError(
      OpenIMessage(Resigned(wire, C().alice,
                            [](IMessage& msg) { msg.Find<SakkePayload>()->data.pop_back(); }),
                   C().bob.AsReceiver(), DefaultOpen()),
      ErrorKind::kMalformed, "SAKKE data length");
}

TEST(IMessageOpen, WrongRecipient) {
  Bytes wire = Create(C().alice, C().bob, Pck());
  ExpectError(OpenIMessage(wire, C().carol.AsReceiver(), DefaultOpen()), ErrorKind::kWrongRecipient,
              "IDRr");
  // A receiver of another KMS.
  OpenOptions oo = DefaultOpen();
  oo.trusted_kms = {&C().kms_a.pub};
  ExpectError(OpenIMessage(wire, C().dave.AsReceiver(), oo), ErrorKind::kWrongRecipient, "IDRkmsr");
}

TEST(IMessageOpen, ExpiredAndFutureTimestamps) {
  Bytes wire = Create(C().alice, C().bob, Pck());
  OpenOptions late = DefaultOpen();
  late.now = NtpTime::FromSeconds(testing::kNowSeconds + 301);
  ExpectError(OpenIMessage(wire, C().bob.AsReceiver(), late), ErrorKind::kExpired, "s in the past");
  OpenOptions early = DefaultOpen();
  early.now = NtpTime::FromSeconds(testing::kNowSeconds - 301);
  ExpectError(OpenIMessage(wire, C().bob.AsReceiver(), early), ErrorKind::kExpired,
              "s in the future");
  OpenOptions edge = DefaultOpen();
  edge.now = NtpTime::FromSeconds(testing::kNowSeconds + 300);
  EXPECT_TRUE(OpenIMessage(wire, C().bob.AsReceiver(), edge));
  Bytes counter =
      Resigned(wire, C().alice, [](IMessage& m) { m.Find<TimestampPayload>()->ts_type = 1; });
  ExpectError(OpenIMessage(counter, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kUnsupported,
              "T.TS type");
}

TEST(IMessageOpen, ReplayIsRejected) {
  ReplayCache cache(600);
  OpenOptions oo = DefaultOpen();
  oo.replay_cache = &cache;
  Bytes wire = Create(C().alice, C().bob, Pck());
  ASSERT_TRUE(OpenIMessage(wire, C().bob.AsReceiver(), oo));
  ExpectError(OpenIMessage(wire, C().bob.AsReceiver(), oo), ErrorKind::kReplay, "replay");
  // A new message (new RAND) at the same T is not a replay.
  EXPECT_TRUE(OpenIMessage(Create(C().alice, C().bob, Pck()), C().bob.AsReceiver(), oo));
  // A forged copy does not enter the cache.
  Bytes forged = wire;
  forged.back() ^= 1;
  size_t before = cache.size();
  EXPECT_FALSE(OpenIMessage(forged, C().bob.AsReceiver(), oo));
  EXPECT_EQ(cache.size(), before);
  // A window shorter than the skew is refused.
  ReplayCache tiny(10);
  oo.replay_cache = &tiny;
  EXPECT_EQ(OpenIMessage(wire, C().bob.AsReceiver(), oo).error().kind(),
            ErrorKind::kInvalidArgument);
}

TEST(IMessageOpen, WrongKeyPeriod) {
  Bytes wire = Create(C().alice, C().bob, Pck());
  // Bob only holds the previous period's RSK.
  ExpectError(OpenIMessage(wire, C().bob_previous.AsReceiver(), DefaultOpen()), ErrorKind::kExpired,
              "key period");
  // A T in the previous period (accepted skew) selects UIDs the keys were not made for.
  uint64_t start = C().kms_a.pub.period.Start(C().period).seconds();
  CreateOptions co = DefaultCreate();
  co.now = NtpTime::FromSeconds(start - 1);
  auto prev = CreateIMessage(C().alice.AsInitiator(), C().bob.AsResponder(), Pck(), co);
  ASSERT_FALSE(prev);
  EXPECT_EQ(prev.error().kind(), ErrorKind::kExpired);
}

TEST(IMessageOpen, KmsTrust) {
  Bytes from_dave = Create(C().dave, C().bob, Pck());
  ExpectError(OpenIMessage(from_dave, C().bob.AsReceiver(), DefaultOpen()),
              ErrorKind::kUnauthorised, "IDRkmsi");
  OpenOptions oo = DefaultOpen();
  oo.trusted_kms = {&C().kms_b.pub};
  auto opened = OpenIMessage(from_dave, C().bob.AsReceiver(), oo);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(opened->initiator_uri, C().dave.uri);
}

TEST(IMessageOpen, HeaderChecks) {
  Bytes wire = Create(C().alice, C().bob, Pck());
  auto open = [](const Bytes& w, OpenOptions oo = DefaultOpen()) {
    return OpenIMessage(w, C().bob.AsReceiver(), oo);
  };
  ExpectError(open(Resigned(wire, C().alice, [](IMessage& m) { m.hdr.version = 2; })),
              ErrorKind::kUnsupported, "HDR.version");
  ExpectError(open(Resigned(wire, C().alice, [](IMessage& m) { m.hdr.data_type = 27; })),
              ErrorKind::kUnsupported, "HDR.data type");
  ExpectError(open(Resigned(wire, C().alice, [](IMessage& m) { m.hdr.v = true; })),
              ErrorKind::kUnsupported, "HDR.V");
  Bytes mikey1 = Resigned(wire, C().alice, [](IMessage& m) { m.hdr.prf_func = 0; });
  ExpectError(open(mikey1), ErrorKind::kUnsupported, "HDR.PRF func");
  OpenOptions legacy = DefaultOpen();
  legacy.accept_mikey1_prf = true;
  auto ok = open(mikey1, legacy);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->prf_func, 0);
  OpenOptions want_gmk = DefaultOpen();
  want_gmk.expected_key_type = crypto::PurposeTag::kGmk;
  ExpectError(open(wire, want_gmk), ErrorKind::kMalformed, "purpose tag 1 (PCK), expected GMK");
  ExpectError(open(Resigned(wire, C().alice, [](IMessage& m) { m.hdr.csb_id = 0x3000000F; })),
              ErrorKind::kUnsupported, "purpose tag 3");
  ExpectError(
      open(Resigned(wire, C().alice, [](IMessage& m) { m.Find<RandPayload>()->rand.resize(8); })),
      ErrorKind::kMalformed, "RAND");
  Bytes other_s_type = wire;
  other_s_type[wire.size() - 131] = 0x10;  // S type 1, length still 129
  ExpectError(open(other_s_type), ErrorKind::kUnsupported, "SIGN.S type");
}

TEST(IMessageOpen, GmkSpiMustMatch) {
  Bytes wire = Create(C().gms, C().bob, Gmk());
  Bytes wrong_gmk_id = Resigned(wire, C().gms, [](IMessage& m) { m.hdr.cs[0].spi[0] ^= 1; });
  ExpectError(OpenIMessage(wrong_gmk_id, C().bob.AsReceiver(), DefaultOpen()),
              ErrorKind::kMalformed, "GMK-ID half");
  Bytes wrong_guk = Resigned(wire, C().gms, [](IMessage& m) { m.hdr.cs[0].spi[7] ^= 1; });
  ExpectError(OpenIMessage(wrong_guk, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kMalformed,
              "GUK-ID half");
  Bytes no_map = Resigned(wire, C().gms, [](IMessage& m) {
    m.hdr.cs.clear();
    m.hdr.map_type = CsIdMapType::kEmpty;
  });
  ExpectError(OpenIMessage(no_map, C().bob.AsReceiver(), DefaultOpen()), ErrorKind::kMalformed,
              "a GMK needs");
}

TEST(IMessageOpen, EveryTruncationFails) {
  Bytes wire = Create(C().alice, C().bob, Pck());
  for (size_t n = 0; n < wire.size(); n += 7) {
    auto r = OpenIMessage(ByteView(wire).first(n), C().bob.AsReceiver(), DefaultOpen());
    ASSERT_FALSE(r) << n;
  }
}

}  // namespace
}  // namespace kb::mikey
