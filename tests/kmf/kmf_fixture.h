// TIA-102.AACA KMF tests: a populated key database (two organisations) and a scripted unit
// that decodes, verifies and answers the KMF's KMMs with the p25 codec.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "crypto/random.h"
#include "kmf/kmf_engine.h"
#include "kmf/memory_kmf_store.h"
#include "p25/key_wrap.h"
#include "p25/kmm.h"
#include "p25/kmm_mac.h"

namespace kb::kmf::testing {

using namespace std::chrono_literals;

inline SecretBytes Filled(uint8_t v, size_t n = 32) {
  SecretBytes k(n);
  for (auto& b : k.RevealMutable()) b = v;
  return k;
}

inline constexpr Rsi kKmfRsi = 0x98967F;
inline const TimePoint kT0 = FromMillis(1'700'000'000'000);

// What the scripted unit decoded from one KMF KMM.
struct Received {
  p25::Kmm kmm;
  std::vector<std::pair<p25::KeyItem, SecretBytes>> keys;  // item and unwrapped key
};

// Decodes and checks one KMF KMM for `unit` (MAC under the unit's MAC key, RSIs), unwrapping
// every key item with the unit's UKEK. Fails the test on any error.
inline Received Open(const Outbound& o, const Unit& unit) {
  Received r;
  EXPECT_EQ(o.destination, unit.rsi);
  auto st = p25::VerifyKmmMac(o.kmm, unit.mac_key.key);
  EXPECT_TRUE(st) << st.error().ToString();
  auto kmm = p25::Kmm::Decode(o.kmm);
  EXPECT_TRUE(kmm) << kmm.error().ToString();
  if (!kmm) return r;
  EXPECT_EQ(kmm->header.destination_rsi, unit.rsi);
  EXPECT_EQ(kmm->header.source_rsi, unit.kmf_rsi);
  auto unwrap = [&](const p25::KeyItem& item) {
    auto k = p25::UnwrapKey(unit.ukek.key, item.key.Reveal());
    EXPECT_TRUE(k) << "unwrap under the unit's UKEK failed";
    r.keys.emplace_back(item.Clone(), k ? std::move(*k) : SecretBytes());
  };
  if (auto* rc = std::get_if<p25::RekeyCommand>(&kmm->body)) {
    EXPECT_EQ(rc->decryption.kek_kid, unit.ukek.kid);
    for (const auto& ks : rc->keysets)
      for (const auto& item : ks.keys) unwrap(item);
  } else if (auto* mk = std::get_if<p25::ModifyKeyCommand>(&kmm->body)) {
    for (const auto& item : mk->keys) unwrap(item);
  } else if (auto* ws = std::get_if<p25::WarmStartCommand>(&kmm->body)) {
    unwrap(ws->key);
  }
  r.kmm = std::move(*kmm);
  return r;
}

// Builds the unit's signed answer to a KMF KMM.
inline Bytes Answer(const Unit& unit, uint16_t mn, p25::KmmBody body) {
  p25::Kmm k;
  k.header.response_kind = p25::ResponseKind::kNone;
  k.header.destination_rsi = unit.kmf_rsi;
  k.header.source_rsi = unit.rsi;
  k.header.message_number = mn;
  k.body = std::move(body);
  auto b = p25::EncodeSignedKmm(k, static_cast<p25::MacFormat>(unit.mac_format), unit.mac_key.kid,
                                unit.mac_key.key);
  EXPECT_TRUE(b) << b.error().ToString();
  return b ? *b : Bytes{};
}

// The success answer a well-behaved unit gives to a KMF command.
inline Bytes Ack(const Unit& unit, const Received& r) {
  uint16_t mn = r.kmm.header.message_number.value_or(0);
  const auto& b = r.kmm.body;
  if (std::holds_alternative<p25::RekeyCommand>(b) ||
      std::holds_alternative<p25::ModifyKeyCommand>(b) ||
      std::holds_alternative<p25::WarmStartCommand>(b)) {
    p25::RekeyAcknowledgment ack;
    ack.acknowledged_message_id = p25::MessageIdOf(b);
    for (const auto& [item, key] : r.keys) ack.items.push_back({0x84, item.kid, {}});
    return Answer(unit, mn, ack);
  }
  if (auto* c = std::get_if<p25::ChangeoverCommand>(&b))
    return Answer(unit, mn, p25::ChangeoverResponse{c->instructions});
  if (std::holds_alternative<p25::ZeroizeCommand>(b))
    return Answer(unit, mn, p25::ZeroizeResponse{});
  if (auto* c = std::get_if<p25::DeleteKeyCommand>(&b)) {
    p25::DeleteKeyResponse resp;
    for (uint16_t kid : c->kids) resp.items.push_back({c->algid, kid, {}});
    return Answer(unit, mn, resp);
  }
  if (auto* c = std::get_if<p25::ChangeRsiCommand>(&b))
    return Answer(unit, mn, p25::ChangeRsiResponse{c->change_sequence, c->old_rsi, c->new_rsi, {}});
  if (std::holds_alternative<p25::RegistrationCommand>(b))
    return Answer(unit, mn, p25::RegistrationResponse{});
  if (auto* c = std::get_if<p25::InventoryCommand>(&b))
    return Answer(unit, mn, p25::InventoryResponse{c->type, p25::KeysetIdList{{1, 2}}});
  ADD_FAILURE() << "no scripted answer";
  return {};
}

// Two organisations: police (units 1001-1003, groups tac and temp-1) and fire (unit 2001).
class KmfFixture : public ::testing::Test {
 protected:
  void SetUp() override { Populate(engine_); }

  void Populate(KmfEngine& e) {
    ASSERT_TRUE(e.AddOrganisation({"police", "Police"}));
    ASSERT_TRUE(e.AddOrganisation({"fire", "Fire"}));
    for (Rsi r : {1001u, 1002u, 1003u}) ASSERT_TRUE(e.AddUnit("police", MakeUnit(r, "police")));
    ASSERT_TRUE(e.AddUnit("fire", MakeUnit(2001, "fire")));
    // police: keyset 1 (active) and 2, SLN 1 (tac) and 2 (temp-1) in each; fire: SLN 1.
    ASSERT_TRUE(e.PutTek("police", {"", {1, 1, 0x0101, 0x84}, Filled(0x11)}));
    ASSERT_TRUE(e.PutTek("police", {"", {1, 2, 0x0102, 0x84}, Filled(0x12)}));
    ASSERT_TRUE(e.PutTek("police", {"", {2, 1, 0x0201, 0x84}, Filled(0x21)}));
    ASSERT_TRUE(e.PutTek("police", {"", {2, 2, 0x0202, 0x84}, Filled(0x22)}));
    ASSERT_TRUE(e.PutTek("fire", {"", {1, 1, 0x0F01, 0x84}, Filled(0xF1)}));
    ASSERT_TRUE(e.PutGroup("police", {"", "tac", false, {1001, 1002, 1003}, {1}}));
    ASSERT_TRUE(e.PutGroup("police", {"", "temp-1", true, {1002}, {2}}));
    ASSERT_TRUE(e.PutGroup("fire", {"", "fire-1", false, {2001}, {1}}));
  }

  // Unit keys derive from the RSI so tests can rebuild them.
  static Unit MakeUnit(Rsi rsi, std::string org) {
    Unit u;
    u.rsi = rsi;
    u.org = std::move(org);
    u.kmf_rsi = kKmfRsi;
    u.ukek = {0x84, static_cast<uint16_t>(0x5000 + rsi % 256), Filled(static_cast<uint8_t>(rsi))};
    u.mac_key = {0x84, static_cast<uint16_t>(0x6000 + rsi % 256),
                 Filled(static_cast<uint8_t>(rsi + 7))};
    u.mac_format = rsi % 2 ? MacFormat::kCmac : MacFormat::kCbcMac;
    return u;
  }
  static Unit U(Rsi rsi) { return MakeUnit(rsi, rsi >= 2000 ? "fire" : "police"); }

  std::vector<Outbound> TickOk(TimePoint t) {
    auto r = engine_.Tick(t);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? std::move(*r) : std::vector<Outbound>{};
  }
  std::vector<Outbound> Deliver(ByteView kmm, TimePoint t) {
    auto r = engine_.HandleInbound(kmm, t);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? std::move(*r) : std::vector<Outbound>{};
  }
  CampaignStatus StatusOf(std::string_view org, int64_t id) {
    auto s = engine_.GetCampaignStatus(org, id);
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : CampaignStatus{};
  }

  MemoryKmfStore store_;
  KmfEngine engine_{store_, EngineOptions{10s, 60s, 3, SIZE_MAX}};
};

}  // namespace kb::kmf::testing
