// A KMS community with real SAKKE (RFC 6508) and ECCSI (RFC 6507) keys and a few users, for the
// I_MESSAGE builder/opener tests (TS 33.180 Annex E). Built once per test program.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "mikey/i_message_builder.h"
#include "mikey/i_message_opener.h"

namespace kb::mikey::testing {

// 2023-08-03T17:20:00Z, key period 1504 of the default 30-day schedule.
inline constexpr uint64_t kNowSeconds = 3'900'000'000u;
inline NtpTime Now() { return NtpTime::FromSeconds(kNowSeconds); }

struct TestKms {
  crypto::sakke::KmsKeys sakke;
  crypto::eccsi::KmsKeys eccsi;
  std::unique_ptr<crypto::sakke::Community> community;
  KmsPublicKeys pub;

  explicit TestKms(std::string uri)
      : sakke(crypto::sakke::GenerateKmsKeys()), eccsi(crypto::eccsi::GenerateKmsKeys()) {
    pub.kms_uri = std::move(uri);
    pub.z = sakke.z_pub;
    pub.kpak = eccsi.kpak;
    auto c = crypto::sakke::Community::Create(sakke.z_pub);
    EXPECT_TRUE(c) << c.error().ToString();
    community = std::make_unique<crypto::sakke::Community>(std::move(*c));
    pub.community = community.get();
  }
};

// A user of a TestKms with signing and receiving keys for one key period.
struct TestUser {
  std::string uri;
  const TestKms* kms = nullptr;
  uint64_t period = 0;
  std::unique_ptr<crypto::eccsi::Signer> signer;
  std::unique_ptr<crypto::sakke::Receiver> receiver;

  TestUser(std::string u, const TestKms& k, uint64_t key_period) : uri(std::move(u)), kms(&k) {
    period = key_period;
    crypto::Uid uid = crypto::MikeySakkeUid(uri, k.pub.kms_uri, k.pub.period, period);
    auto keys = crypto::eccsi::IssueUserKeys(k.eccsi, uid);
    EXPECT_TRUE(keys) << keys.error().ToString();
    auto s = crypto::eccsi::Signer::Create(k.pub.kpak, uid, std::move(*keys));
    EXPECT_TRUE(s) << s.error().ToString();
    signer = std::make_unique<crypto::eccsi::Signer>(std::move(*s));
    auto rsk = crypto::sakke::IssueRsk(k.sakke, uid);
    EXPECT_TRUE(rsk) << rsk.error().ToString();
    auto r = crypto::sakke::Receiver::Create(*k.community, uid, std::move(*rsk));
    EXPECT_TRUE(r) << r.error().ToString();
    receiver = std::make_unique<crypto::sakke::Receiver>(std::move(*r));
  }

  Initiator AsInitiator() const { return {uri, &kms->pub, signer.get(), period}; }
  Responder AsResponder() const { return {uri, &kms->pub}; }
  ReceiverIdentity AsReceiver() const { return {uri, &kms->pub, {{period, receiver.get()}}}; }
};

// The shared community: KMS A with the GMS, alice, bob and carol; KMS B with dave.
struct TestCommunity {
  TestKms kms_a{"kms.example.org"};
  TestKms kms_b{"kms.other.example"};
  uint64_t period = kms_a.pub.period.NumberAt(Now());
  TestUser gms{"sip:gms@example.org", kms_a, period};
  TestUser alice{"sip:alice@example.org", kms_a, period};
  TestUser bob{"sip:bob@example.org", kms_a, period};
  TestUser carol{"sip:carol@example.org", kms_a, period};
  TestUser bob_previous{"sip:bob@example.org", kms_a, period - 1};
  TestUser dave{"sip:dave@other.example", kms_b, period};

  static const TestCommunity& Get() {
    static const TestCommunity* c = new TestCommunity();
    return *c;
  }
};

inline SecretBytes TestKey(uint8_t seed) {
  SecretBytes k(16);
  for (size_t i = 0; i < 16; ++i) k.RevealMutable()[i] = static_cast<uint8_t>(seed + 3 * i);
  return k;
}

inline DistributedKey Gmk(uint32_t id = 0x0A1B2C3D, uint8_t seed = 0x40) {
  return {crypto::PurposeTag::kGmk, id, TestKey(seed)};
}
inline DistributedKey Pck(uint32_t id = 0x1A1B2C3D, uint8_t seed = 0x50) {
  return {crypto::PurposeTag::kPck, id, TestKey(seed)};
}
inline DistributedKey Csk(uint32_t id = 0x2A1B2C3D, uint8_t seed = 0x60) {
  return {crypto::PurposeTag::kCsk, id, TestKey(seed)};
}

inline CreateOptions DefaultCreate() {
  CreateOptions o;
  o.now = Now();
  return o;
}

inline OpenOptions DefaultOpen() {
  OpenOptions o;
  o.now = Now();
  return o;
}

}  // namespace kb::mikey::testing
