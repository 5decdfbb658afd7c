// TIA-102.AACA KMF engine: what each operation sends, acknowledgments, retries, NAKs, Hello.
#include <gtest/gtest.h>

#include <algorithm>

#include "kmf_fixture.h"

namespace kb::kmf::testing {
namespace {

using p25::MessageId;

class KmfEngineTest : public KmfFixture {};

TEST_F(KmfEngineTest, RekeyUnitWrapsExactlyTheGroupKeysUnderTheUnitUkek) {
  auto id = engine_.RekeyUnit("police", 1002, kT0);
  ASSERT_TRUE(id) << id.error().ToString();
  auto out = TickOk(kT0);
  ASSERT_EQ(out.size(), 1u);
  Received r = Open(out[0], U(1002));
  auto* rc = std::get_if<p25::RekeyCommand>(&r.kmm.body);
  ASSERT_NE(rc, nullptr);
  EXPECT_EQ(r.kmm.header.message_number, 1);
  EXPECT_EQ(r.kmm.header.response_kind, p25::ResponseKind::kImmediate);
  ASSERT_TRUE(r.kmm.mac);
  EXPECT_EQ(r.kmm.mac->kid, U(1002).mac_key.kid);
  EXPECT_EQ(r.kmm.mac->format, 0x40);  // even RSI: CBC-MAC
  // 1002 is in tac (SLN 1) and temp-1 (SLN 2): both keysets, 4 keys.
  ASSERT_EQ(rc->keysets.size(), 2u);
  EXPECT_EQ(rc->keysets[0].keyset_id, 1);
  EXPECT_EQ(rc->keysets[0].key_length, 40);
  ASSERT_EQ(r.keys.size(), 4u);
  std::map<uint16_t, uint8_t> expect{
      {0x0101, 0x11}, {0x0102, 0x12}, {0x0201, 0x21}, {0x0202, 0x22}};
  for (const auto& [item, key] : r.keys) {
    ASSERT_TRUE(expect.contains(item.kid));
    EXPECT_EQ(item.key_format, 0x00);
    EXPECT_TRUE(key == Filled(expect[item.kid]));
  }
  EXPECT_EQ(StatusOf("police", *id).sent, 1u);
  EXPECT_TRUE(Deliver(Ack(U(1002), r), kT0 + 1s).empty());
  auto st = StatusOf("police", *id);
  EXPECT_EQ(st.done, 1u);
  EXPECT_TRUE(st.Complete());
  EXPECT_EQ(st.tasks[0].detail, "4 keys acknowledged");
  // A duplicated acknowledgment is ignored.
  EXPECT_TRUE(Deliver(Ack(U(1002), r), kT0 + 2s).empty());
  EXPECT_EQ(engine_.counters().ignored, 1u);
  EXPECT_EQ(StatusOf("police", *id).done, 1u);
}

TEST_F(KmfEngineTest, UnitOutsideEveryGroupFinishesWithoutAKmm) {
  ASSERT_TRUE(engine_.AddUnit("police", MakeUnit(1004, "police")));
  auto id = engine_.RekeyUnit("police", 1004, kT0);
  ASSERT_TRUE(id);
  EXPECT_TRUE(TickOk(kT0).empty());
  auto st = StatusOf("police", *id);
  EXPECT_EQ(st.done, 1u);
  EXPECT_EQ(st.tasks[0].detail, "no keys to send");
}

TEST_F(KmfEngineTest, TimeoutResendsWithFreshMessageNumberAndBackoffThenFails) {
  auto id = engine_.RekeyUnit("police", 1001, kT0);
  ASSERT_TRUE(id);
  auto first = TickOk(kT0);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(TickOk(kT0 + 9s).empty());
  auto second = TickOk(kT0 + 10s);  // first timeout 10 s
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(Open(second[0], U(1001)).kmm.header.message_number, 2);
  EXPECT_TRUE(TickOk(kT0 + 29s).empty());  // doubled: 20 s
  auto third = TickOk(kT0 + 30s);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(Open(third[0], U(1001)).kmm.header.message_number, 3);
  EXPECT_TRUE(TickOk(kT0 + 69s).empty());  // 40 s
  EXPECT_TRUE(TickOk(kT0 + 70s).empty());  // max_attempts 3: gives up
  auto st = StatusOf("police", *id);
  EXPECT_EQ(st.failed, 1u);
  EXPECT_EQ(st.tasks[0].detail, "no answer after 3 attempts");
  EXPECT_EQ(st.tasks[0].mns, (std::vector<uint16_t>{1, 2, 3}));
  EXPECT_EQ(engine_.counters().resent, 2u);
}

TEST_F(KmfEngineTest, LateAckOfAnEarlierAttemptCompletesTheTask) {
  auto id = engine_.RekeyUnit("police", 1001, kT0);
  auto a1 = TickOk(kT0);
  auto a2 = TickOk(kT0 + 10s);
  ASSERT_EQ(a2.size(), 1u);
  Received r1 = Open(a1[0], U(1001));
  EXPECT_TRUE(Deliver(Ack(U(1001), r1), kT0 + 11s).empty());
  EXPECT_EQ(StatusOf("police", *id).done, 1u);
  // The ack of the second attempt arrives too: ignored.
  EXPECT_TRUE(Deliver(Ack(U(1001), Open(a2[0], U(1001))), kT0 + 12s).empty());
  EXPECT_EQ(engine_.counters().ignored, 1u);
}

TEST_F(KmfEngineTest, AckWithAnUnknownMessageNumberIsIgnored) {
  auto id = engine_.RekeyUnit("police", 1001, kT0);
  Received r = Open(TickOk(kT0)[0], U(1001));
  r.kmm.header.message_number = 999;
  EXPECT_TRUE(Deliver(Ack(U(1001), r), kT0 + 1s).empty());
  EXPECT_EQ(StatusOf("police", *id).sent, 1u);
}

TEST_F(KmfEngineTest, NegativeStatusesFailTheTaskAndTheNextTaskGoesOut) {
  auto rekey = engine_.RekeyUnit("police", 1001, kT0);
  auto reg = engine_.Register("police", 1001, kT0);
  auto out = TickOk(kT0);
  ASSERT_EQ(out.size(), 1u);  // one command in flight per unit
  Received r = Open(out[0], U(1001));
  p25::NegativeAcknowledgment nak{MessageId::kRekeyCommand, *r.kmm.header.message_number,
                                  p25::OperationStatus::kInvalidAlgorithmId};
  auto next = Deliver(Answer(U(1001), *r.kmm.header.message_number, nak), kT0 + 1s);
  auto st = StatusOf("police", *rekey);
  EXPECT_EQ(st.failed, 1u);
  EXPECT_EQ(st.tasks[0].status, 0x09);
  EXPECT_EQ(st.tasks[0].detail, "NAK: invalid ALGID");
  ASSERT_EQ(next.size(), 1u);  // the registration follows at once
  Received r2 = Open(next[0], U(1001));
  ASSERT_TRUE(std::holds_alternative<p25::RegistrationCommand>(r2.kmm.body));
  EXPECT_EQ(std::get<p25::RegistrationCommand>(r2.kmm.body).kmf_rsi, kKmfRsi);
  EXPECT_TRUE(Deliver(Ack(U(1001), r2), kT0 + 2s).empty());
  EXPECT_EQ(StatusOf("police", *reg).done, 1u);
  EXPECT_EQ(engine_.GetUnit("police", 1001)->state, UnitState::kRegistered);
}

TEST_F(KmfEngineTest, RekeyAckItemFailureIsReported) {
  auto id = engine_.RekeyUnit("police", 1001, kT0);
  Received r = Open(TickOk(kT0)[0], U(1001));
  p25::RekeyAcknowledgment ack{MessageId::kRekeyCommand,
                               {{0x84, 0x0101, p25::OperationStatus::kCommandPerformed},
                                {0x84, 0x0201, p25::OperationStatus::kKeyFail}}};
  Deliver(Answer(U(1001), *r.kmm.header.message_number, ack), kT0 + 1s);
  auto st = StatusOf("police", *id);
  EXPECT_EQ(st.failed, 1u);
  EXPECT_EQ(st.tasks[0].detail, "KID 0x0201: key fail");
}

TEST_F(KmfEngineTest, NakInvalidMessageNumberResendsAtOnce) {
  auto id = engine_.RekeyUnit("police", 1001, kT0);
  Received r = Open(TickOk(kT0)[0], U(1001));
  p25::NegativeAcknowledgment nak{MessageId::kRekeyCommand, 1,
                                  p25::OperationStatus::kInvalidMessageNumber};
  auto again = Deliver(Answer(U(1001), 1, nak), kT0 + 1s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(Open(again[0], U(1001)).kmm.header.message_number, 2);
  EXPECT_EQ(StatusOf("police", *id).sent, 1u);
}

TEST_F(KmfEngineTest, HelloRekeyRequestIsAnsweredAtOnce) {
  auto hello = Answer(U(1003), 0x0042, p25::Hello{p25::Hello::kRekeyRequestWithUkek});
  auto out = Deliver(hello, kT0);
  ASSERT_EQ(out.size(), 1u);
  Received r = Open(out[0], U(1003));
  ASSERT_TRUE(std::holds_alternative<p25::RekeyCommand>(r.kmm.body));
  EXPECT_EQ(r.keys.size(), 2u);  // tac: SLN 1 in keysets 1 and 2
  // The same Hello again while the rekey is in flight resends it rather than queueing another.
  auto again = Deliver(hello, kT0 + 1s);
  ASSERT_EQ(again.size(), 1u);
  Deliver(Ack(U(1003), Open(again[0], U(1003))), kT0 + 2s);
  auto campaigns = engine_.ListCampaigns("police");
  ASSERT_TRUE(campaigns);
  ASSERT_EQ(campaigns->size(), 1u);
  EXPECT_EQ((*campaigns)[0].kind, CampaignKind::kHelloRekey);
  EXPECT_EQ(StatusOf("police", (*campaigns)[0].id).done, 1u);
}

TEST_F(KmfEngineTest, HelloWithoutUkekGetsNoService) {
  auto out = Deliver(Answer(U(1003), 1, p25::Hello{p25::Hello::kRekeyRequestNoUkek}), kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<p25::NoService>(Open(out[0], U(1003)).kmm.body));
}

TEST_F(KmfEngineTest, DeregistrationIsAnswered) {
  auto out = Deliver(Answer(U(1001), 1, p25::DeregistrationCommand{0, kKmfRsi}), kT0);
  ASSERT_EQ(out.size(), 1u);
  auto r = Open(out[0], U(1001));
  ASSERT_TRUE(std::holds_alternative<p25::DeregistrationResponse>(r.kmm.body));
  EXPECT_EQ(engine_.GetUnit("police", 1001)->state, UnitState::kDeregistered);
}

TEST_F(KmfEngineTest, InboundKmmsAreAuthenticated) {
  auto id = engine_.RekeyUnit("police", 1001, kT0);
  Received r = Open(TickOk(kT0)[0], U(1001));
  Bytes ack = Ack(U(1001), r);
  // Tampered.
  Bytes bad = ack;
  bad[12] ^= 1;
  auto t = engine_.HandleInbound(bad, kT0);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind(), ErrorKind::kCryptoFailure);
  // MAC'd with another unit's key.
  Unit forger = U(1001);
  forger.mac_key = U(1002).mac_key.Clone();
  forger.mac_key.kid = U(1001).mac_key.kid;
  EXPECT_EQ(engine_.HandleInbound(Ack(forger, r), kT0).error().kind(), ErrorKind::kCryptoFailure);
  // No MAC at all.
  p25::Kmm plain = p25::Kmm::Decode(ack).value();
  plain.mac.reset();
  EXPECT_EQ(engine_.HandleInbound(plain.Encode().value(), kT0).error().kind(),
            ErrorKind::kCryptoFailure);
  // Unknown source RSI; wrong KMF RSI.
  Unit stranger = MakeUnit(4444, "police");
  EXPECT_EQ(engine_.HandleInbound(Ack(stranger, r), kT0).error().kind(), ErrorKind::kNotFound);
  Unit misrouted = U(1001);
  misrouted.kmf_rsi = 123;
  EXPECT_EQ(engine_.HandleInbound(Ack(misrouted, r), kT0).error().kind(),
            ErrorKind::kWrongRecipient);
  EXPECT_EQ(StatusOf("police", *id).sent, 1u);
  EXPECT_EQ(engine_.counters().dropped, 5u);
}

TEST_F(KmfEngineTest, ChangeoverActivatesTheKeysetForEveryUnit) {
  auto id = engine_.Changeover("police", 1, 2, kT0);
  ASSERT_TRUE(id);
  auto out = TickOk(kT0);
  ASSERT_EQ(out.size(), 3u);
  for (const auto& o : out) {
    auto r = Open(o, U(o.destination));
    auto* c = std::get_if<p25::ChangeoverCommand>(&r.kmm.body);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->instructions, (std::vector<p25::ChangeoverInstruction>{{1, 2}}));
    Deliver(Ack(U(o.destination), r), kT0 + 1s);
  }
  EXPECT_EQ(StatusOf("police", *id).done, 3u);
  auto ks = store_.ListKeysets("police").value();
  ASSERT_EQ(ks.size(), 2u);
  EXPECT_FALSE(ks[0].active);
  EXPECT_TRUE(ks[1].active);
  EXPECT_FALSE(engine_.Changeover("police", 1, 9, kT0));
}

TEST_F(KmfEngineTest, ModifyKeyReachesOnlyTheUnitsThatNeedTheSln) {
  auto id = engine_.ModifyKey("police", {"", {1, 2, 0x0A02, 0x84}, Filled(0x99)}, kT0);
  ASSERT_TRUE(id);
  auto out = TickOk(kT0);
  ASSERT_EQ(out.size(), 1u);  // SLN 2: temp-1 = {1002}
  Received r = Open(out[0], U(1002));
  auto* mk = std::get_if<p25::ModifyKeyCommand>(&r.kmm.body);
  ASSERT_NE(mk, nullptr);
  EXPECT_EQ(mk->keyset_id, 1);
  EXPECT_EQ(mk->decryption.kek_kid, U(1002).ukek.kid);
  ASSERT_EQ(r.keys.size(), 1u);
  EXPECT_EQ(r.keys[0].first.kid, 0x0A02);
  EXPECT_TRUE(r.keys[0].second == Filled(0x99));
  Deliver(Ack(U(1002), r), kT0 + 1s);
  EXPECT_EQ(StatusOf("police", *id).done, 1u);
}

TEST_F(KmfEngineTest, ZeroizeCancelsOtherWorkAndRetiresTheUnit) {
  auto rekey = engine_.RekeyUnit("police", 1001, kT0);
  TickOk(kT0);  // rekey in flight, the unit is lost
  auto z = engine_.Zeroize("police", 1001, kT0 + 1s);
  ASSERT_TRUE(z);
  EXPECT_EQ(StatusOf("police", *rekey).cancelled, 1u);
  auto out = TickOk(kT0 + 1s);
  ASSERT_EQ(out.size(), 1u);
  Received r = Open(out[0], U(1001));
  ASSERT_TRUE(std::holds_alternative<p25::ZeroizeCommand>(r.kmm.body));
  Deliver(Ack(U(1001), r), kT0 + 2s);
  EXPECT_EQ(StatusOf("police", *z).done, 1u);
  EXPECT_EQ(engine_.GetUnit("police", 1001)->state, UnitState::kZeroized);
  EXPECT_EQ(engine_.RekeyUnit("police", 1001, kT0).error().kind(), ErrorKind::kConflict);
  auto group = engine_.RekeyGroup("police", "tac", kT0 + 3s);
  ASSERT_TRUE(group);
  EXPECT_EQ(TickOk(kT0 + 3s).size(), 2u);  // 1002 and 1003 only
  // A zeroized unit asking for keys is refused.
  auto hello = Deliver(Answer(U(1001), 9, p25::Hello{p25::Hello::kRekeyRequestWithUkek}), kT0);
  ASSERT_EQ(hello.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<p25::NoService>(Open(hello[0], U(1001)).kmm.body));
}

// Temporary groups (docs/kmf.md "Temporary groups"): formed from groups with a KMF-made TEK,
// dissolved with Delete-Key-Command.
TEST_F(KmfEngineTest, FormTemporaryGroupMakesATekAndRekeysTheUnion) {
  ASSERT_TRUE(engine_.PutGroup("police", {"", "east", false, {1001}, {1}}));
  auto id = engine_.FormTemporaryGroup("police", "tg", {"east", "temp-1"}, std::nullopt,
                                       std::nullopt, 0x84, kT0);
  ASSERT_TRUE(id) << id.error().ToString();
  auto g = store_.FindGroup("police", "tg").value();
  ASSERT_TRUE(g);
  EXPECT_TRUE(g->temporary);
  EXPECT_EQ(g->members, (std::vector<Rsi>{1001, 1002}));
  EXPECT_EQ(g->slns, (std::vector<uint16_t>{3}));  // above SLN 2, the highest in use
  auto keys = engine_.ListKeys("police").value();
  EXPECT_NE(std::find(keys.begin(), keys.end(), KeyRef{1, 3, 0x0203, 0x84}), keys.end());
  auto st = StatusOf("police", *id);
  EXPECT_EQ(st.campaign.description, "rekey temporary group tg");
  EXPECT_EQ(st.tasks.size(), 2u);
  auto out = TickOk(kT0);
  ASSERT_EQ(out.size(), 2u);
  Received r = Open(out[0], U(1001));
  bool has_new = false;
  for (const auto& [item, key] : r.keys)
    if (item.kid == 0x0203) has_new = key.size() == 32 && !(key == Filled(0));
  EXPECT_TRUE(has_new);
  // Given SLN/KID already in use, an existing name, a foreign or missing group: refused.
  EXPECT_EQ(engine_.FormTemporaryGroup("police", "t2", {"tac"}, 1, std::nullopt, 0x84, kT0)
                .error()
                .kind(),
            ErrorKind::kConflict);
  EXPECT_EQ(
      engine_.FormTemporaryGroup("police", "t2", {"tac"}, 9, 0x0101, 0x84, kT0).error().kind(),
      ErrorKind::kConflict);
  EXPECT_EQ(engine_.FormTemporaryGroup("police", "tg", {"tac"}, 9, 9, 0x84, kT0).error().kind(),
            ErrorKind::kConflict);
  auto foreign = engine_.FormTemporaryGroup("police", "t2", {"fire-1"}, 9, 9, 0x84, kT0);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().message(), "group fire-1 not found in organisation police");
  EXPECT_FALSE(store_.FindGroup("police", "t2").value());
  // With SLN and KID given.
  ASSERT_TRUE(engine_.FormTemporaryGroup("police", "t3", {"tac"}, 40, 0x4040, 0x84, kT0));
  keys = engine_.ListKeys("police").value();
  EXPECT_NE(std::find(keys.begin(), keys.end(), KeyRef{1, 40, 0x4040, 0x84}), keys.end());
}

TEST_F(KmfEngineTest, DissolveDeletesTheGroupTekAtEveryMember) {
  auto form =
      engine_.FormTemporaryGroup("police", "tg", {"tac"}, std::nullopt, std::nullopt, 0x84, kT0);
  ASSERT_TRUE(form);
  for (const auto& o : TickOk(kT0)) Deliver(Ack(U(o.destination), Open(o, U(o.destination))), kT0);
  ASSERT_EQ(StatusOf("police", *form).done, 3u);
  auto id = engine_.DissolveTemporaryGroup("police", "tg", kT0 + 1s);
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_EQ(StatusOf("police", *id).campaign.description, "dissolve group tg");
  EXPECT_FALSE(store_.FindGroup("police", "tg").value());
  auto keys = engine_.ListKeys("police").value();
  EXPECT_EQ(keys.size(), 4u);  // the group's TEK is gone from the database
  auto out = TickOk(kT0 + 1s);
  ASSERT_EQ(out.size(), 3u);
  for (const auto& o : out) {
    Received r = Open(o, U(o.destination));
    auto* d = std::get_if<p25::DeleteKeyCommand>(&r.kmm.body);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->keyset_id, 1);
    EXPECT_EQ(d->algid, 0x84);
    EXPECT_EQ(d->kids, (std::vector<uint16_t>{0x0203}));
    if (o.destination == 1003) {  // a unit that never got the key answers "does not exist"
      Deliver(
          Answer(U(1003), *r.kmm.header.message_number,
                 p25::DeleteKeyResponse{{{0x84, 0x0203, p25::OperationStatus::kItemDoesNotExist}}}),
          kT0 + 2s);
    } else {
      Deliver(Ack(U(o.destination), r), kT0 + 2s);
    }
  }
  auto st = StatusOf("police", *id);
  EXPECT_EQ(st.done, 3u);
  auto expected = engine_.Expected("police").value();
  for (const auto& u : expected)
    for (const auto& k : u.keys) EXPECT_NE(k.ref.kid, 0x0203) << u.rsi;
  // Only temporary groups of the acting organisation.
  EXPECT_EQ(engine_.DissolveTemporaryGroup("police", "tac", kT0).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(engine_.DissolveTemporaryGroup("police", "fire-1", kT0).error().message(),
            "group fire-1 not found in organisation police");
  EXPECT_EQ(engine_.DissolveTemporaryGroup("police", "tg", kT0).error().kind(),
            ErrorKind::kNotFound);
}

TEST_F(KmfEngineTest, DissolveKeepsKeysAnotherGroupStillNeeds) {
  // t2 shares SLN 2 with temp-1 (member 1002): only 1001 loses the SLN 2 keys, in both keysets
  // (one Delete-Key-Command per keyset), and the database keeps them.
  ASSERT_TRUE(engine_.PutGroup("police", {"", "t2", true, {1001, 1002}, {2}}));
  auto id = engine_.DissolveTemporaryGroup("police", "t2", kT0);
  ASSERT_TRUE(id);
  auto st = StatusOf("police", *id);
  ASSERT_EQ(st.tasks.size(), 2u);
  for (const auto& t : st.tasks) EXPECT_EQ(t.rsi, 1001u);
  EXPECT_EQ(engine_.ListKeys("police")->size(), 4u);
  auto first = TickOk(kT0);
  ASSERT_EQ(first.size(), 1u);  // one task in flight per unit
  Received r1 = Open(first[0], U(1001));
  auto* d1 = std::get_if<p25::DeleteKeyCommand>(&r1.kmm.body);
  ASSERT_NE(d1, nullptr);
  EXPECT_EQ(d1->keyset_id, 1);
  EXPECT_EQ(d1->kids, (std::vector<uint16_t>{0x0102}));
  auto second = Deliver(Ack(U(1001), r1), kT0 + 1s);
  ASSERT_EQ(second.size(), 1u);
  Received r2 = Open(second[0], U(1001));
  auto* d2 = std::get_if<p25::DeleteKeyCommand>(&r2.kmm.body);
  ASSERT_NE(d2, nullptr);
  EXPECT_EQ(d2->keyset_id, 2);
  EXPECT_EQ(d2->kids, (std::vector<uint16_t>{0x0202}));
  // A failure status fails the task.
  Deliver(Answer(U(1001), *r2.kmm.header.message_number,
                 p25::DeleteKeyResponse{{{0x84, 0x0202, p25::OperationStatus::kKeyFail}}}),
          kT0 + 2s);
  st = StatusOf("police", *id);
  EXPECT_EQ(st.done, 1u);
  EXPECT_EQ(st.failed, 1u);
}

TEST_F(KmfEngineTest, ChangeRsiMovesTheUnitOnConfirmation) {
  auto id = engine_.ChangeRsi("police", 1003, 1033, kT0);
  ASSERT_TRUE(id);
  Received r = Open(TickOk(kT0)[0], U(1003));
  auto* c = std::get_if<p25::ChangeRsiCommand>(&r.kmm.body);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->old_rsi, 1003u);
  EXPECT_EQ(c->new_rsi, 1033u);
  EXPECT_EQ(c->message_number, *r.kmm.header.message_number);
  Deliver(Ack(U(1003), r), kT0 + 1s);
  EXPECT_EQ(StatusOf("police", *id).done, 1u);
  EXPECT_FALSE(engine_.GetUnit("police", 1003));
  EXPECT_TRUE(engine_.GetUnit("police", 1033));
  EXPECT_EQ(store_.FindGroup("police", "tac").value()->members,
            (std::vector<Rsi>{1001, 1002, 1033}));
  EXPECT_EQ(engine_.ChangeRsi("police", 1001, 1002, kT0).error().kind(), ErrorKind::kConflict);
}

TEST_F(KmfEngineTest, InventoryResultIsRecordedWithoutKeyValues) {
  auto id = engine_.Inventory("police", 1001, 0x02, kT0);
  Received r = Open(TickOk(kT0)[0], U(1001));
  EXPECT_TRUE(std::holds_alternative<p25::InventoryCommand>(r.kmm.body));
  Deliver(Ack(U(1001), r), kT0 + 1s);
  auto st = StatusOf("police", *id);
  EXPECT_EQ(st.done, 1u);
  EXPECT_EQ(st.tasks[0].detail, "inventory 0x02: keyset 1 keyset 2");
}

TEST_F(KmfEngineTest, WarmStartSendsOneCommandPerNeededKey) {
  auto id = engine_.WarmStart("police", 1002, kT0);
  ASSERT_TRUE(id);
  std::vector<uint16_t> kids;
  auto out = TickOk(kT0);
  while (!out.empty()) {
    ASSERT_EQ(out.size(), 1u);
    Received r = Open(out[0], U(1002));
    auto* ws = std::get_if<p25::WarmStartCommand>(&r.kmm.body);
    ASSERT_NE(ws, nullptr);
    kids.push_back(ws->key.kid);
    out = Deliver(Ack(U(1002), r), kT0 + 1s);
  }
  EXPECT_EQ(kids, (std::vector<uint16_t>{0x0101, 0x0102}));  // active keyset 1 only
  EXPECT_EQ(StatusOf("police", *id).done, 2u);
}

TEST_F(KmfEngineTest, AdministrationValidatesInput) {
  EXPECT_EQ(engine_.AddUnit("police", MakeUnit(0, "police")).error().kind(),
            ErrorKind::kInvalidArgument);
  Unit shortkey = MakeUnit(3000, "police");
  shortkey.ukek.key = Filled(1, 16);
  EXPECT_EQ(engine_.AddUnit("police", std::move(shortkey)).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(engine_.PutTek("police", {"", {1, 3, 3, 0x81}, Filled(1, 8)}).error().kind(),
            ErrorKind::kUnsupported);
  EXPECT_EQ(engine_.PutTek("police", {"", {1, 3, 3, 0x84}, Filled(1, 16)}).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(engine_.PutTek("nobody", {"", {1, 3, 3, 0x84}, Filled(1)}).error().kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(engine_.AddOrganisation({"police", "again"}).error().kind(), ErrorKind::kConflict);
  // A MAC key defaults to the UKEK.
  Unit nomac = MakeUnit(3001, "police");
  nomac.mac_key = {};
  ASSERT_TRUE(engine_.AddUnit("police", std::move(nomac)));
  EXPECT_EQ(engine_.GetUnit("police", 3001)->mac_kid, MakeUnit(3001, "police").ukek.kid);
}

}  // namespace
}  // namespace kb::kmf::testing
