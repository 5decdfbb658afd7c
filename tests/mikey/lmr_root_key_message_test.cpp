// keybridge extension (NOT TS 33.180): the IWF -> user LMR root key I_MESSAGE end to end, with
// real SAKKE and ECCSI keys: round trip, tampering, wrong recipient, unauthorised sender,
// rollback, and that the standard opener refuses it.
#include "mikey/lmr_root_key_message.h"

#include <gtest/gtest.h>

#include <memory>

#include "crypto/eccsi.h"
#include "crypto/sakke.h"

namespace kb::mikey {
namespace {

const NtpTime kNow = NtpTime::FromSeconds(3'900'000'000u);
constexpr const char* kIwf = "sip:iwf@lmr.example.org";
constexpr const char* kAlice = "sip:alice@example.org";
constexpr const char* kBob = "sip:bob@example.org";
constexpr const char* kMallory = "sip:mallory@example.org";

SecretBytes Seq(uint8_t first, size_t n) {
  SecretBytes k(n);
  for (size_t i = 0; i < n; ++i) k.RevealMutable()[i] = static_cast<uint8_t>(first + i);
  return k;
}

// One KMS community with signing keys for the IWF and Mallory and an RSK for Alice.
class Pki {
 public:
  Pki() {
    auto community = crypto::sakke::Community::Create(sakke_kms_.z_pub);
    community_ = std::make_unique<crypto::sakke::Community>(std::move(*community));
    kms_ = KmsPublicKeys{"kms.example.org", sakke_kms_.z_pub, eccsi_kms_.kpak, KeyPeriod{},
                         community_.get()};
    period_ = kms_.period.NumberAt(kNow);
    iwf_ = MakeSigner(kIwf);
    mallory_ = MakeSigner(kMallory);
    crypto::Uid alice = kms_.UidAt(kAlice, kNow);
    auto rsk = crypto::sakke::IssueRsk(sakke_kms_, alice);
    auto receiver = crypto::sakke::Receiver::Create(*community_, alice, std::move(*rsk));
    alice_rsk_ = std::make_unique<crypto::sakke::Receiver>(std::move(*receiver));
  }

  Initiator IwfInitiator() const { return {kIwf, &kms_, iwf_.get(), period_}; }
  Initiator MalloryInitiator() const { return {kMallory, &kms_, mallory_.get(), period_}; }
  Responder To(const char* uri) const { return {uri, &kms_}; }
  ReceiverIdentity Alice() const { return {kAlice, &kms_, {{period_, alice_rsk_.get()}}}; }
  const crypto::eccsi::Signer& iwf_signer() const { return *iwf_; }

 private:
  std::unique_ptr<crypto::eccsi::Signer> MakeSigner(const char* uri) {
    crypto::Uid uid = kms_.UidAt(uri, kNow);
    auto keys = crypto::eccsi::IssueUserKeys(eccsi_kms_, uid);
    auto signer = crypto::eccsi::Signer::Create(eccsi_kms_.kpak, uid, std::move(*keys));
    return std::make_unique<crypto::eccsi::Signer>(std::move(*signer));
  }

  crypto::sakke::KmsKeys sakke_kms_ = crypto::sakke::GenerateKmsKeys();
  crypto::eccsi::KmsKeys eccsi_kms_ = crypto::eccsi::GenerateKmsKeys();
  std::unique_ptr<crypto::sakke::Community> community_;
  KmsPublicKeys kms_;
  uint64_t period_ = 0;
  std::unique_ptr<crypto::eccsi::Signer> iwf_, mallory_;
  std::unique_ptr<crypto::sakke::Receiver> alice_rsk_;
};

class LmrRootKeyMessage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new Pki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  static RootKey P25Key(size_t n = 32, uint8_t algid = 0x84) {
    RootKey k;
    k.info.lmr_type = LmrType::kP25;
    k.info.key_kind = RootKeyKind::kP25Ukek;
    k.info.algid = algid;
    k.info.kid = 0x1234;
    k.info.rotation_serial = 7;
    k.info.key_name = "ALICE-UKEK-1";
    k.key = Seq(0x10, n);
    return k;
  }

  static RootKeyOpenOptions AliceOptions() {
    RootKeyOpenOptions o;
    o.base.now = kNow;
    o.authorised_iwfs = {"sip:other-iwf@lmr.example.org", kIwf};
    return o;
  }

  static Bytes Create(const RootKey& key, const char* to = kAlice, bool hide = false) {
    RootKeyCreateOptions co;
    co.now = kNow;
    co.identity_hiding = hide;
    auto m = CreateRootKeyIMessage(pki_->IwfInitiator(), pki_->To(to), key, co);
    EXPECT_TRUE(m) << m.error().ToString();
    return m ? m->message : Bytes{};
  }

  static Pki* pki_;
};

Pki* LmrRootKeyMessage::pki_ = nullptr;

TEST_F(LmrRootKeyMessage, RoundTrip256And128BitKeys) {
  for (auto [n, algid] : {std::pair<size_t, uint8_t>{32, 0x84}, {16, 0x85}}) {
    RootKey key = P25Key(n, algid);
    Bytes msg = Create(key);
    auto decoded = IMessage::Decode(msg);
    ASSERT_TRUE(decoded) << decoded.error().ToString();
    EXPECT_EQ(crypto::PurposeTagOf(decoded->hdr.csb_id), kLmrRootKeyPurposeTag);
    EXPECT_EQ(decoded->hdr.map_type, CsIdMapType::kEmpty);
    EXPECT_EQ(decoded->Find<SecurityPolicyPayload>(), nullptr);
    const GeneralExtension* ge = decoded->FindExtension(GeneralExtensionType::kLmrRootKey);
    ASSERT_NE(ge, nullptr);
    // The extension sits in the signed part, right before SIGN.
    EXPECT_TRUE(std::holds_alternative<GeneralExtension>(decoded->payloads.end()[-2]));

    auto opened = OpenRootKeyIMessage(msg, pki_->Alice(), AliceOptions());
    ASSERT_TRUE(opened) << opened.error().ToString();
    EXPECT_TRUE(opened->root_key == key.key);
    EXPECT_EQ(opened->info, key.info);
    EXPECT_EQ(opened->iwf_uri, kIwf);
    EXPECT_EQ(opened->csb_id, decoded->hdr.csb_id);
  }
}

TEST_F(LmrRootKeyMessage, TetraKekWithIdentityHiding) {
  RootKey key;
  key.info.lmr_type = LmrType::kTetra;
  key.info.key_kind = RootKeyKind::kTetraKek;
  key.info.algid = 0x02;
  key.info.kid = 1;
  key.info.key_name = "";
  key.key = Seq(0x55, 10);
  Bytes msg = Create(key, kAlice, /*hide=*/true);
  ASSERT_NE(IMessage::Decode(msg)->FindIdr(static_cast<uint8_t>(IdRole::kIdruidi)), nullptr);
  auto opened = OpenRootKeyIMessage(msg, pki_->Alice(), AliceOptions());
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_TRUE(opened->root_key == key.key);
  EXPECT_EQ(opened->iwf_uri, kIwf);
}

TEST_F(LmrRootKeyMessage, TamperedWrappedKeyFailsTheSignature) {
  Bytes msg = Create(P25Key());
  // The last wrapped-key octet sits just before SIGN (2-octet header + 129-octet signature).
  msg[msg.size() - 132] ^= 0x01;
  auto r = OpenRootKeyIMessage(msg, pki_->Alice(), AliceOptions());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
  EXPECT_NE(r.error().message().find("SIGN"), std::string::npos) << r.error().ToString();
}

TEST_F(LmrRootKeyMessage, ReSignedTamperFailsTheUnwrapIntegrity) {
  Bytes msg = Create(P25Key());
  auto tamper = [&](auto&& edit) {
    IMessage m = *IMessage::Decode(msg);
    for (Payload& p : m.payloads) {
      if (auto* ge = std::get_if<GeneralExtension>(&p)) {
        auto ext = *LmrRootKeyExtension::Decode(ge->data);
        edit(ext);
        ge->data = *ext.Encode();
      }
    }
    return *SignIMessage(m, pki_->iwf_signer());
  };
  for (int which = 0; which < 3; ++which) {
    Bytes forged = tamper([&](LmrRootKeyExtension& e) {
      if (which == 0) e.wrapped[5] ^= 0x80;
      if (which == 1) e.info.kid = 0x9999;
      if (which == 2) e.info.algid = 0x42;
    });
    auto r = OpenRootKeyIMessage(forged, pki_->Alice(), AliceOptions());
    ASSERT_FALSE(r) << "forgery " << which << " opened";
    EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
    EXPECT_NE(r.error().message().find("integrity"), std::string::npos) << r.error().ToString();
  }
}

TEST_F(LmrRootKeyMessage, WrongRecipient) {
  Bytes msg = Create(P25Key(), kBob);
  auto r = OpenRootKeyIMessage(msg, pki_->Alice(), AliceOptions());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kWrongRecipient);
}

TEST_F(LmrRootKeyMessage, SenderNotAnAuthorisedIwf) {
  RootKeyCreateOptions co;
  co.now = kNow;
  auto m = CreateRootKeyIMessage(pki_->MalloryInitiator(), pki_->To(kAlice), P25Key(), co);
  ASSERT_TRUE(m);
  auto r = OpenRootKeyIMessage(m->message, pki_->Alice(), AliceOptions());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnauthorised);
  EXPECT_NE(r.error().message().find("authorised IWF"), std::string::npos);
  // With hidden identities as well.
  co.identity_hiding = true;
  m = CreateRootKeyIMessage(pki_->MalloryInitiator(), pki_->To(kAlice), P25Key(), co);
  ASSERT_TRUE(m);
  EXPECT_EQ(OpenRootKeyIMessage(m->message, pki_->Alice(), AliceOptions()).error().kind(),
            ErrorKind::kUnauthorised);
  // An empty list authorises nobody.
  RootKeyOpenOptions none = AliceOptions();
  none.authorised_iwfs.clear();
  EXPECT_EQ(OpenRootKeyIMessage(Create(P25Key()), pki_->Alice(), none).error().kind(),
            ErrorKind::kUnauthorised);
}

TEST_F(LmrRootKeyMessage, RotationSerialRollbackIsRefused) {
  Bytes msg = Create(P25Key());  // serial 7
  RootKeyOpenOptions o = AliceOptions();
  o.min_rotation_serial = 7;
  EXPECT_TRUE(OpenRootKeyIMessage(msg, pki_->Alice(), o));
  o.min_rotation_serial = 8;
  EXPECT_EQ(OpenRootKeyIMessage(msg, pki_->Alice(), o).error().kind(), ErrorKind::kReplay);
}

TEST_F(LmrRootKeyMessage, StandardOpenerRefusesTheExtension) {
  Bytes msg = Create(P25Key());
  OpenOptions o;
  o.now = kNow;
  auto r = OpenIMessage(msg, pki_->Alice(), o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(r.error().message().find("keybridge"), std::string::npos);

  // A PCK message carrying the extension (validly signed) is refused too.
  DistributedKey pck{crypto::PurposeTag::kPck, 0x10000001, Seq(1, 16)};
  CreateOptions co;
  co.now = kNow;
  auto created = CreateIMessage(pki_->IwfInitiator(), pki_->To(kAlice), pck, co);
  ASSERT_TRUE(created);
  IMessage m = created->parsed;
  auto ext = SealRootKey(P25Key().info, Seq(0x10, 32), Seq(1, 16), 0xF0000001);
  ASSERT_TRUE(ext);
  m.payloads.insert(m.payloads.end() - 1,
                    GeneralExtension{kLmrRootKeyExtensionType, *ext->Encode()});
  Bytes forged = *SignIMessage(m, pki_->iwf_signer());
  r = OpenIMessage(forged, pki_->Alice(), o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kMalformed);
  // And the root-key opener refuses a message of another purpose tag.
  EXPECT_EQ(OpenRootKeyIMessage(created->message, pki_->Alice(), AliceOptions()).error().kind(),
            ErrorKind::kMalformed);
}

TEST_F(LmrRootKeyMessage, BuilderRefusesInconsistentInputs) {
  RootKeyCreateOptions co;
  co.now = kNow;
  co.csb_id = 0x10000001;  // not tag 15
  EXPECT_EQ(
      CreateRootKeyIMessage(pki_->IwfInitiator(), pki_->To(kAlice), P25Key(), co).error().kind(),
      ErrorKind::kInvalidArgument);
  co.csb_id = 0;
  EXPECT_EQ(
      CreateRootKeyIMessage(pki_->IwfInitiator(), pki_->To(kAlice), P25Key(16), co).error().kind(),
      ErrorKind::kInvalidArgument);  // 16 octets with ALGID 0x84
  // Tag 15 through the standard builder without the extension.
  DistributedKey k{kLmrRootKeyType, 0xF0000001, Seq(1, 16)};
  CreateOptions plain;
  plain.now = kNow;
  EXPECT_EQ(CreateIMessage(pki_->IwfInitiator(), pki_->To(kAlice), k, plain).error().kind(),
            ErrorKind::kInvalidArgument);
}

TEST_F(LmrRootKeyMessage, StoredMessageOutsideTheSkewNeedsALargerPolicy) {
  Bytes msg = Create(P25Key());
  RootKeyOpenOptions o = AliceOptions();
  o.base.now = NtpTime::FromSeconds(kNow.seconds() + 3600);
  EXPECT_EQ(OpenRootKeyIMessage(msg, pki_->Alice(), o).error().kind(), ErrorKind::kExpired);
  o.base.max_skew_seconds = 86400;  // the CMS policy: messages are opened later
  EXPECT_TRUE(OpenRootKeyIMessage(msg, pki_->Alice(), o));
}

}  // namespace
}  // namespace kb::mikey
