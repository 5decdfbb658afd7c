// TIA-102.AACA §9.2: KMF <-> subscriber-unit conversations for every operation, with the p25
// subscriber-unit engine on the radio side and lost and duplicated KMMs injected.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>

#include "kmf_fixture.h"
#include "p25/key_fingerprint.h"
#include "p25/subscriber_unit.h"

namespace kb::kmf::testing {
namespace {

// A radio provisioned with the same UKEK and MAC key as the KMF's record of it.
std::unique_ptr<p25::SubscriberUnit> MakeRadio(const Unit& u) {
  p25::KeyStore ks;
  EXPECT_TRUE(ks.Put(p25::kKekKeysetId, u.ukek.algid, u.ukek.kid, 0, u.ukek.key.Clone()));
  if (u.mac_key.kid != u.ukek.kid) {
    EXPECT_TRUE(
        ks.Put(p25::kKekKeysetId, u.mac_key.algid, u.mac_key.kid, 0, u.mac_key.key.Clone()));
  }
  p25::SubscriberUnitConfig cfg;
  cfg.individual_rsi = u.rsi;
  cfg.kmf_rsi = u.kmf_rsi;
  cfg.message_number_period = u.mnp;
  return std::make_unique<p25::SubscriberUnit>(cfg, std::move(ks));
}

// Which KMMs the network loses or duplicates: called with (direction, destination RSI, index of
// that KMM on that link), returns how many copies arrive (0, 1 or 2).
using Fault = std::function<int(bool to_radio, Rsi rsi, int index)>;

class KmfConversationTest : public KmfFixture {
 protected:
  void SetUp() override {
    KmfFixture::SetUp();
    for (Rsi r : {1001u, 1002u, 1003u, 2001u}) radios_[r] = MakeRadio(U(r));
  }

  // Runs the network until nothing is in flight and no task is pending, or the time limit.
  void Run(TimePoint start, Fault fault = {}) {
    now_ = start;
    std::deque<Outbound> to_radio;
    std::deque<Bytes> to_kmf;
    std::map<std::pair<bool, Rsi>, int> counts;
    auto copies = [&](bool down, Rsi rsi) {
      int i = counts[{down, rsi}]++;
      return fault ? fault(down, rsi, i) : 1;
    };
    for (int step = 0; step < 400; ++step) {
      for (auto& o : TickOk(now_)) to_radio.push_back(std::move(o));
      while (!to_radio.empty() || !to_kmf.empty()) {
        while (!to_radio.empty()) {
          Outbound o = std::move(to_radio.front());
          to_radio.pop_front();
          int n = copies(true, o.destination);
          auto it = radios_.find(o.destination);
          ASSERT_NE(it, radios_.end()) << "KMM to unknown radio " << o.destination;
          for (int c = 0; c < n; ++c) {
            auto reaction = it->second->Process(o.kmm);
            ASSERT_TRUE(reaction) << reaction.error().ToString();
            ++radio_answers_;
            if (reaction->response) {
              int m = copies(false, o.destination);
              for (int d = 0; d < m; ++d) to_kmf.push_back(*reaction->response);
            }
          }
        }
        while (!to_kmf.empty()) {
          Bytes b = std::move(to_kmf.front());
          to_kmf.pop_front();
          auto more = engine_.HandleInbound(b, now_);
          if (!more) {
            ++kmf_drops_;
            continue;
          }
          for (auto& o : *more) to_radio.push_back(std::move(o));
        }
      }
      if (AllDone()) return;
      now_ += 1s;
    }
  }

  bool AllDone() {
    for (const char* org : {"police", "fire"}) {
      auto campaigns = engine_.ListCampaigns(org).value();
      for (const auto& c : campaigns)
        if (!StatusOf(org, c.id).Complete()) return false;
    }
    return true;
  }

  // The radio holds exactly this key (by keyset, ALGID 0x84, KID).
  void ExpectRadioKey(Rsi rsi, uint8_t keyset, uint16_t kid, uint8_t fill) {
    const auto* k = radios_.at(rsi)->keys().Find(keyset, 0x84, kid);
    ASSERT_NE(k, nullptr) << "radio " << rsi << " lacks keyset " << int(keyset) << " KID " << kid;
    EXPECT_TRUE(k->key == Filled(fill));
  }
  size_t TekCount(Rsi rsi) {
    size_t n = 0;
    for (const auto& [id, ks] : radios_.at(rsi)->keys().keysets())
      if (id != p25::kKekKeysetId) n += ks.keys.size();
    return n;
  }

  // What the radio holds, as "keyset/sln kid algid fingerprint" (TEK keysets only).
  std::vector<std::string> Held(Rsi rsi) {
    std::vector<std::string> out;
    for (const auto& [id, ks] : radios_.at(rsi)->keys().keysets())
      if (id != p25::kKekKeysetId)
        for (const auto& [ref, k] : ks.keys)
          out.push_back(
              fmt::format("{}/{} {} {} {}", id, k.sln, k.kid, k.algid, p25::KeyFingerprint(k.key)));
    std::sort(out.begin(), out.end());
    return out;
  }
  // What the KMF says the unit should hold, in the same form.
  std::vector<std::string> ExpectedOf(std::string_view org, Rsi rsi) {
    auto all = engine_.Expected(org);
    EXPECT_TRUE(all) << all.error().ToString();
    std::vector<std::string> out;
    for (const auto& u : *all)
      if (u.rsi == rsi)
        for (const auto& k : u.keys)
          out.push_back(fmt::format("{}/{} {} {} {}", k.ref.keyset_id, k.ref.sln, k.ref.kid,
                                    k.ref.algid, k.fingerprint));
    std::sort(out.begin(), out.end());
    return out;
  }

  std::map<Rsi, std::unique_ptr<p25::SubscriberUnit>> radios_;
  TimePoint now_ = kT0;
  int radio_answers_ = 0;
  int kmf_drops_ = 0;
};

TEST_F(KmfConversationTest, RekeyGroupDespiteLostAndDuplicatedKmms) {
  auto id = engine_.RekeyGroup("police", "tac", kT0).value();
  Run(kT0, [](bool down, Rsi rsi, int i) {
    if (down && rsi == 1001 && i == 0) return 0;   // the first command to 1001 is lost
    if (!down && rsi == 1002 && i == 0) return 0;  // 1002's first acknowledgment is lost
    if (rsi == 1003 && i == 0) return 2;           // command and ack to/from 1003 duplicated
    return 1;
  });
  auto st = StatusOf("police", id);
  EXPECT_EQ(st.done, 3u);
  EXPECT_TRUE(st.Complete());
  for (Rsi r : {1001u, 1002u, 1003u}) {
    ExpectRadioKey(r, 1, 0x0101, 0x11);
    ExpectRadioKey(r, 2, 0x0201, 0x21);
  }
  ExpectRadioKey(1002, 1, 0x0102, 0x12);  // temp-1 member
  EXPECT_EQ(TekCount(1001), 2u);
  EXPECT_EQ(TekCount(1002), 4u);
  EXPECT_EQ(radios_.at(1001)->keys().Find(1, 0x84, 0x0102), nullptr);
  EXPECT_EQ(TekCount(2001), 0u);              // another organisation's radio is never addressed
  EXPECT_GE(engine_.counters().resent, 2u);   // 1001 and 1002 were retried
  EXPECT_GE(engine_.counters().ignored, 1u);  // the duplicate answers
  for (const auto& t : st.tasks) EXPECT_EQ(t.state, TaskState::kDone) << t.rsi;
}

// `kmf expected` (docs/kmf.md "Expected keys"): after a rekey of every unit, what each radio
// holds is exactly what the KMF expects, compared by fingerprint; zeroized units expect nothing.
TEST_F(KmfConversationTest, ExpectedKeysMatchWhatTheRadiosHold) {
  EXPECT_NE(Held(1002), ExpectedOf("police", 1002));  // nothing sent yet
  engine_.RekeyAll("police", kT0).value();
  engine_.RekeyAll("fire", kT0).value();
  Run(kT0);
  for (Rsi r : {1001u, 1002u, 1003u}) {
    EXPECT_EQ(Held(r), ExpectedOf("police", r)) << r;
    EXPECT_FALSE(Held(r).empty());
  }
  EXPECT_EQ(Held(2001), ExpectedOf("fire", 2001));
  EXPECT_EQ(ExpectedOf("police", 1002).size(), 4u);
  engine_.Zeroize("police", 1003, now_).value();
  Run(now_);
  EXPECT_TRUE(Held(1003).empty());
  EXPECT_TRUE(ExpectedOf("police", 1003).empty());
  auto units = engine_.Expected("police").value();
  ASSERT_EQ(units.size(), 3u);
  EXPECT_EQ(units[2].state, UnitState::kZeroized);
  // The root key is the UKEK the radio was provisioned with.
  EXPECT_EQ(units[0].root_key.ref.kid, U(1001).ukek.kid);
  EXPECT_EQ(units[0].root_key.fingerprint, p25::KeyFingerprint(U(1001).ukek.key));
}

TEST_F(KmfConversationTest, TemporaryGroupRekey) {
  auto id = engine_.RekeyGroup("police", "temp-1", kT0).value();
  Run(kT0);
  EXPECT_EQ(StatusOf("police", id).done, 1u);
  ExpectRadioKey(1002, 1, 0x0102, 0x12);
  ExpectRadioKey(1002, 2, 0x0202, 0x22);
  EXPECT_EQ(TekCount(1001), 0u);
}

TEST_F(KmfConversationTest, ModifyKeyThenChangeover) {
  auto rekey = engine_.RekeyAll("police", kT0).value();
  Run(kT0);
  ASSERT_EQ(StatusOf("police", rekey).done, 3u);
  auto modify = engine_.ModifyKey("police", {"", {2, 1, 0x0A01, 0x84}, Filled(0x5A)}, now_).value();
  Run(now_, [](bool down, Rsi rsi, int i) { return down && rsi == 1003 && i == 0 ? 0 : 1; });
  EXPECT_EQ(StatusOf("police", modify).done, 3u);
  for (Rsi r : {1001u, 1002u, 1003u}) ExpectRadioKey(r, 2, 0x0A01, 0x5A);
  auto change = engine_.Changeover("police", 1, 2, now_).value();
  Run(now_, [](bool down, Rsi, int i) { return !down && i == 0 ? 2 : 1; });
  EXPECT_EQ(StatusOf("police", change).done, 3u);
  for (Rsi r : {1001u, 1002u, 1003u})
    EXPECT_EQ(radios_.at(r)->keys().active_tek_keyset(), std::optional<uint8_t>(2));
}

TEST_F(KmfConversationTest, ZeroizeALostUnit) {
  auto rekey = engine_.RekeyUnit("police", 1001, kT0).value();
  Run(kT0);
  ASSERT_EQ(TekCount(1001), 2u);
  auto z = engine_.Zeroize("police", 1001, now_).value();
  Run(now_, [](bool down, Rsi, int i) { return down && i == 1 ? 0 : 1; });  // first try lost
  EXPECT_EQ(StatusOf("police", z).done, 1u);
  EXPECT_EQ(radios_.at(1001)->keys().KeyCount(), 0u);
  EXPECT_EQ(engine_.GetUnit("police", 1001)->state, UnitState::kZeroized);
  EXPECT_EQ(StatusOf("police", rekey).done, 1u);
  // The group rekey that follows skips it.
  auto g = engine_.RekeyGroup("police", "tac", now_).value();
  Run(now_);
  EXPECT_EQ(StatusOf("police", g).tasks.size(), 2u);
  EXPECT_EQ(radios_.at(1001)->keys().KeyCount(), 0u);
}

TEST_F(KmfConversationTest, InventoryRegistrationAndChangeRsi) {
  engine_.RekeyUnit("police", 1003, kT0).value();
  auto inv = engine_.Inventory("police", 1003, 0x02, kT0).value();
  auto reg = engine_.Register("police", 1003, kT0).value();
  auto cr = engine_.ChangeRsi("police", 1003, 1033, kT0).value();
  Run(kT0, [](bool down, Rsi, int i) { return down && i == 2 ? 0 : 1; });
  auto inv_st = StatusOf("police", inv);
  EXPECT_EQ(inv_st.done, 1u);
  // Rekey does not activate a keyset on the radio (changeover does): only the KEK keyset.
  EXPECT_EQ(inv_st.tasks[0].detail, "inventory 0x02: keyset 255");
  EXPECT_EQ(StatusOf("police", reg).done, 1u);
  EXPECT_EQ(StatusOf("police", cr).done, 1u);
  EXPECT_EQ(radios_.at(1003)->config().individual_rsi, 1033u);
  EXPECT_TRUE(engine_.GetUnit("police", 1033));
  // The radio is now reached at its new RSI.
  radios_[1033] = std::move(radios_.at(1003));
  radios_.erase(1003);
  auto again = engine_.ModifyKey("police", {"", {1, 1, 0x0C01, 0x84}, Filled(0x6C)}, now_).value();
  Run(now_);
  auto st = StatusOf("police", again);
  EXPECT_EQ(st.done, 3u);
  ExpectRadioKey(1033, 1, 0x0C01, 0x6C);
}

TEST_F(KmfConversationTest, WarmStartLoadsTheActiveKeyset) {
  auto id = engine_.WarmStart("police", 1002, kT0).value();
  Run(kT0, [](bool down, Rsi, int i) { return down && i == 1 ? 2 : 1; });
  EXPECT_EQ(StatusOf("police", id).done, 2u);
  ExpectRadioKey(1002, 1, 0x0101, 0x11);
  ExpectRadioKey(1002, 1, 0x0102, 0x12);
  EXPECT_EQ(radios_.at(1002)->keys().active_tek_keyset(), std::optional<uint8_t>(1));
}

// The radio's own requests: the SU engine answers commands only, so Hello and
// Deregistration-Command are built here the way a radio sends them (MAC'd, its MN).
TEST_F(KmfConversationTest, HelloRekeyRequestAndDeregistration) {
  auto out = Deliver(Answer(U(1001), 0x0100, p25::Hello{p25::Hello::kRekeyRequestWithUkek}), kT0);
  ASSERT_EQ(out.size(), 1u);
  auto reaction = radios_.at(1001)->Process(out[0].kmm);
  ASSERT_TRUE(reaction && reaction->response);
  EXPECT_EQ(reaction->status, p25::OperationStatus::kCommandPerformed);
  EXPECT_TRUE(Deliver(*reaction->response, kT0 + 1s).empty());
  ExpectRadioKey(1001, 1, 0x0101, 0x11);
  EXPECT_TRUE(AllDone());
  auto dereg = Deliver(Answer(U(1001), 0x0101, p25::DeregistrationCommand{0, kKmfRsi}), kT0);
  ASSERT_EQ(dereg.size(), 1u);
  auto r2 = radios_.at(1001)->Process(dereg[0].kmm);
  ASSERT_TRUE(r2);
  EXPECT_FALSE(r2->response);  // the radio takes the answer silently
  EXPECT_EQ(engine_.GetUnit("police", 1001)->state, UnitState::kDeregistered);
}

TEST_F(KmfConversationTest, RadioWithAnotherMacKeyNeverCompletes) {
  Unit wrong = U(1001);
  wrong.mac_key.kid = 0x7777;  // the radio does not know the KMF's MAC key
  wrong.mac_key.key = Filled(0x77);
  radios_[1001] = MakeRadio(wrong);
  auto id = engine_.RekeyUnit("police", 1001, kT0).value();
  Run(kT0);
  auto st = StatusOf("police", id);
  EXPECT_EQ(st.failed, 1u);
  EXPECT_EQ(st.tasks[0].detail, "no answer after 3 attempts");
  EXPECT_EQ(kmf_drops_, 3);  // the radio's unauthenticated NAKs are dropped
  EXPECT_EQ(TekCount(1001), 0u);
}

TEST_F(KmfConversationTest, RadioAheadOfTheMessageNumberNaksAndTheTaskFails) {
  Unit u = U(1001);
  radios_[1001] = MakeRadio(u);
  radios_.at(1001)->window().set_mnp(10);
  radios_.at(1001)->window().Reset(500);  // the radio saw MN 500 from a previous KMF
  auto id = engine_.RekeyUnit("police", 1001, kT0).value();
  Run(kT0);
  auto st = StatusOf("police", id);
  EXPECT_EQ(st.failed, 1u);
  EXPECT_EQ(st.tasks[0].status, 0x07);
  EXPECT_EQ(st.tasks[0].mns.size(), 3u);  // resent with fresh MNs, up to max_attempts
}

}  // namespace
}  // namespace kb::kmf::testing
