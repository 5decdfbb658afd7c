// Test fixture for the LMR-aware client (docs/client.md): one KMS community with real SAKKE and
// ECCSI keys for an IWF, a rogue signer and the user alice; root key I_MESSAGEs in a user
// profile; KMF-side P25 Rekey-Commands wrapped and MAC'd under the root key (TIA-102.AACA).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cms/user_profile.h"
#include "core/encoding.h"
#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "mikey/lmr_root_key_message.h"
#include "p25/key_wrap.h"
#include "p25/kmm.h"
#include "p25/kmm_mac.h"
#include "p25/subscriber_unit.h"

namespace kb::client::testing {

inline const NtpTime kNow = NtpTime::FromSeconds(3'900'000'000u);
inline constexpr const char* kIwf = "sip:iwf@example.org";
inline constexpr const char* kAlice = "sip:alice@example.org";
inline constexpr const char* kBob = "sip:bob@example.org";
inline constexpr const char* kMallory = "sip:mallory@example.org";
inline constexpr uint32_t kAliceRsi = 0x643BA8;
inline constexpr uint32_t kKmfRsi = 0x98967F;

inline SecretBytes Seq(uint8_t first, size_t n) {
  SecretBytes k(n);
  for (size_t i = 0; i < n; ++i) k.RevealMutable()[i] = static_cast<uint8_t>(first + i);
  return k;
}

class Pki {
 public:
  Pki() {
    auto community = crypto::sakke::Community::Create(sakke_kms_.z_pub);
    community_ = std::make_unique<crypto::sakke::Community>(std::move(*community));
    kms_ = mikey::KmsPublicKeys{"kms.example.org", sakke_kms_.z_pub, eccsi_kms_.kpak, KeyPeriod{},
                                community_.get()};
    period_ = kms_.period.NumberAt(kNow);
    iwf_ = MakeSigner(kIwf);
    mallory_ = MakeSigner(kMallory);
    alice_rsk_ = MakeReceiver(kAlice);
    bob_rsk_ = MakeReceiver(kBob);
  }
  static const Pki& Get() {
    static const Pki* p = new Pki();
    return *p;
  }

  mikey::Initiator Iwf() const { return {kIwf, &kms_, iwf_.get(), period_}; }
  mikey::Initiator Mallory() const { return {kMallory, &kms_, mallory_.get(), period_}; }
  mikey::Responder To(const char* uri) const { return {uri, &kms_}; }
  mikey::ReceiverIdentity Alice() const { return {kAlice, &kms_, {{period_, alice_rsk_.get()}}}; }
  mikey::ReceiverIdentity Bob() const { return {kBob, &kms_, {{period_, bob_rsk_.get()}}}; }

 private:
  std::unique_ptr<crypto::eccsi::Signer> MakeSigner(const char* uri) {
    crypto::Uid uid = kms_.UidAt(uri, kNow);
    auto keys = crypto::eccsi::IssueUserKeys(eccsi_kms_, uid);
    auto signer = crypto::eccsi::Signer::Create(eccsi_kms_.kpak, uid, std::move(*keys));
    return std::make_unique<crypto::eccsi::Signer>(std::move(*signer));
  }
  std::unique_ptr<crypto::sakke::Receiver> MakeReceiver(const char* uri) {
    crypto::Uid uid = kms_.UidAt(uri, kNow);
    auto rsk = crypto::sakke::IssueRsk(sakke_kms_, uid);
    auto receiver = crypto::sakke::Receiver::Create(*community_, uid, std::move(*rsk));
    return std::make_unique<crypto::sakke::Receiver>(std::move(*receiver));
  }

  crypto::sakke::KmsKeys sakke_kms_ = crypto::sakke::GenerateKmsKeys();
  crypto::eccsi::KmsKeys eccsi_kms_ = crypto::eccsi::GenerateKmsKeys();
  std::unique_ptr<crypto::sakke::Community> community_;
  mikey::KmsPublicKeys kms_;
  uint64_t period_ = 0;
  std::unique_ptr<crypto::eccsi::Signer> iwf_, mallory_;
  std::unique_ptr<crypto::sakke::Receiver> alice_rsk_, bob_rsk_;
};

// A P25 UKEK (AES-256) as the IWF distributes it.
inline mikey::RootKey Ukek(uint16_t kid = 0x1234, uint32_t serial = 7, uint8_t seed = 0x10) {
  mikey::RootKey k;
  k.info.lmr_type = mikey::LmrType::kP25;
  k.info.key_kind = mikey::RootKeyKind::kP25Ukek;
  k.info.algid = 0x84;
  k.info.kid = kid;
  k.info.rotation_serial = serial;
  k.info.key_name = "ALICE-UKEK";
  k.key = Seq(seed, 32);
  return k;
}

inline Bytes RootKeyMessage(const mikey::RootKey& key, const mikey::Initiator& from,
                            const char* to = kAlice) {
  mikey::RootKeyCreateOptions co;
  co.now = kNow;
  auto m = mikey::CreateRootKeyIMessage(from, Pki::Get().To(to), key, co);
  EXPECT_TRUE(m) << m.error().ToString();
  return m ? m->message : Bytes{};
}

// alice's profile holding the message as its P25 root key element.
inline std::string Profile(const mikey::RootKeyInfo& info, Bytes message,
                           const char* owner = kAlice, const char* iwf = kIwf) {
  cms::UserProfile p;
  p.mc_id = owner;
  p.profile_index = 1;
  p.lmr_kmf_uri = "sip:iwf@example.org";
  cms::LmrRootKeyElement e;
  e.lmr_type = info.lmr_type;
  e.algid = info.algid;
  e.kid = info.kid;
  e.key_name = info.key_name;
  e.rotation_serial = info.rotation_serial;
  e.iwf_uri = iwf;
  e.i_message = std::move(message);
  p.lmr_root_keys.push_back(std::move(e));
  auto xml = cms::SerializeUserProfile(p);
  EXPECT_TRUE(xml) << xml.error().ToString();
  return xml.value_or("");
}

inline p25::SubscriberUnit EmptySu() {
  p25::SubscriberUnitConfig c;
  c.individual_rsi = kAliceRsi;
  c.kmf_rsi = kKmfRsi;
  c.message_number_period = 100;
  return p25::SubscriberUnit(c, p25::KeyStore());
}

// The KMF side: a Rekey-Command carrying one TEK wrapped under the UKEK, CMAC'd with the UKEK
// (the KMF's default MAC key, docs/kmf.md).
inline Bytes RekeyUnderUkek(const SecretBytes& ukek, uint16_t ukek_kid, const SecretBytes& tek,
                            uint16_t tek_kid, uint16_t mn) {
  p25::RekeyCommand c;
  c.decryption = {0x84, ukek_kid, std::nullopt};
  auto w = p25::WrapKey(ukek, tek);
  EXPECT_TRUE(w) << w.error().ToString();
  p25::KeysetItem ks{0x00, 1, 0x84, static_cast<uint8_t>(w->size()), {}};
  ks.keys.push_back(p25::KeyItem{0x00, 0x0010, tek_kid, SecretBytes(*w)});
  c.keysets.push_back(std::move(ks));
  p25::KmmHeader h;
  h.response_kind = p25::ResponseKind::kImmediate;
  h.destination_rsi = kAliceRsi;
  h.source_rsi = kKmfRsi;
  h.message_number = mn;
  auto b = p25::EncodeSignedKmm(p25::Kmm{h, std::move(c), std::nullopt}, p25::MacFormat::kCmac,
                                ukek_kid, ukek);
  EXPECT_TRUE(b) << b.error().ToString();
  return b.value_or(Bytes{});
}

}  // namespace kb::client::testing
