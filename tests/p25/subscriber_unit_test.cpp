// TIA-102.AACA 9 / 13 subscriber unit: every KMF command and every negative case of the spec's
// table (9.3), starting from the standard's Rekey-Command.
#include "p25/subscriber_unit.h"

#include <gtest/gtest.h>

#include "p25/encrypted_kmm.h"
#include "p25/key_wrap.h"
#include "p25/kmm_mac.h"
#include "testing/vectors.h"

namespace kb::p25 {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

constexpr uint32_t kSuRsi = 0x643BA8;
constexpr uint32_t kKmfRsi = 0x712B1D;
constexpr uint16_t kKekKid = 0x50BC;
constexpr uint16_t kMacKid = 0x2F62;
constexpr uint16_t kExampleMn = 0x1772;

nlohmann::json Vector(const std::string& name) {
  return FindVector(LoadVectors("p25-kmm.json"), name);
}
SecretBytes Kek() { return SecretBytes(Hex(Vector("tek-wrap")["inputs"]["kek"])); }
SecretBytes MacKey() { return SecretBytes(Hex(Vector("cbc-mac")["inputs"]["mac_key"])); }
Bytes Tek() { return Hex(Vector("tek-wrap")["inputs"]["tek"]); }
Bytes Copy(ByteView v) { return Bytes(v.begin(), v.end()); }

SubscriberUnit MakeSu(bool with_kek = true, uint16_t mnp = 100) {
  KeyStore keys;
  if (with_kek) {
    EXPECT_TRUE(keys.Put(kKekKeysetId, 0x84, kKekKid, 0x0001, Kek()));
  }
  EXPECT_TRUE(keys.Put(kKekKeysetId, 0x84, kMacKid, 0x0002, MacKey()));
  SubscriberUnitConfig cfg;
  cfg.individual_rsi = kSuRsi;
  cfg.group_rsi = 0x000777;
  cfg.kmf_rsi = kKmfRsi;
  cfg.message_number_period = mnp;
  return SubscriberUnit(cfg, std::move(keys));
}

// A KMF-side command: header to the SU, MN, CMAC under the MAC key.
Bytes Command(KmmBody body, uint16_t mn, MacFormat format = MacFormat::kCmac,
              uint32_t dst = kSuRsi) {
  KmmHeader h;
  h.response_kind = ResponseKind::kImmediate;
  h.destination_rsi = dst;
  h.source_rsi = kKmfRsi;
  h.message_number = mn;
  auto b = EncodeSignedKmm(Kmm{h, std::move(body), std::nullopt}, format, kMacKid, MacKey());
  EXPECT_TRUE(b) << b.error().ToString();
  return b.value_or(Bytes{});
}

// A Rekey-Command carrying the given TEKs (keyset, algid, kid, key) wrapped under the KEK.
RekeyCommand Rekey(uint8_t keyset, uint8_t algid, std::vector<std::pair<uint16_t, Bytes>> teks,
                   uint8_t key_format = 0x00) {
  RekeyCommand c;
  c.decryption = {0x84, kKekKid, std::nullopt};
  KeysetItem ks{0x00, keyset, algid, 0, {}};
  for (auto& [kid, tek] : teks) {
    auto w = WrapKey(Kek(), SecretBytes(tek));
    EXPECT_TRUE(w);
    ks.key_length = static_cast<uint8_t>(w->size());
    ks.keys.push_back(KeyItem{key_format, 0x0010, kid, SecretBytes(*w)});
  }
  c.keysets.push_back(std::move(ks));
  return c;
}

// Decodes a response, checks its addressing and MAC, and returns it.
Kmm Response(const SuReaction& r, std::optional<uint16_t> mn, bool maced = true) {
  EXPECT_TRUE(r.response);
  if (!r.response) return Kmm{};
  auto k = Kmm::Decode(*r.response);
  EXPECT_TRUE(k) << k.error().ToString();
  if (!k) return Kmm{};
  EXPECT_EQ(k->header.destination_rsi, kKmfRsi);
  EXPECT_EQ(k->header.source_rsi, kSuRsi);
  EXPECT_EQ(k->header.response_kind, ResponseKind::kNone);
  EXPECT_EQ(k->header.message_number, mn);
  EXPECT_EQ(k->mac.has_value(), maced);
  if (maced) {
    EXPECT_TRUE(VerifyKmmMac(*r.response, MacKey()));
  }
  return std::move(*k);
}

template <typename T>
T BodyOf(Kmm k) {
  T* b = std::get_if<T>(&k.body);
  EXPECT_NE(b, nullptr) << "unexpected response " << MessageIdName(MessageIdOf(k.body));
  if (!b) return T{};
  return std::move(*b);
}

OperationStatus NakStatus(const SuReaction& r, MessageId refused, uint16_t mn, bool maced) {
  Kmm k = Response(r, mn, maced);
  const auto* n = std::get_if<NegativeAcknowledgment>(&k.body);
  EXPECT_NE(n, nullptr);
  if (!n) return OperationStatus::kUnknown;
  EXPECT_EQ(n->acknowledged_message_id, refused);
  EXPECT_EQ(n->message_number, mn);
  EXPECT_EQ(r.status, n->status);
  return n->status;
}

class StandardRekey : public ::testing::TestWithParam<const char*> {};

TEST_P(StandardRekey, StoresTheTekAndAcknowledges) {
  SubscriberUnit su = MakeSu();
  auto r = su.Process(Hex(Vector(GetParam())["outputs"]["kmm"]));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, OperationStatus::kCommandPerformed);
  Kmm k = Response(*r, kExampleMn);
  // The response is MAC'd in the command's format with the command's MAC key.
  EXPECT_EQ(k.mac->format,
            static_cast<uint8_t>(ViewKmmMac(Hex(Vector(GetParam())["outputs"]["kmm"]))->format));
  EXPECT_EQ(k.mac->kid, kMacKid);
  const auto& ack = std::get<RekeyAcknowledgment>(k.body);
  EXPECT_EQ(ack.acknowledged_message_id, MessageId::kRekeyCommand);
  ASSERT_EQ(ack.items.size(), 1u);
  EXPECT_EQ(ack.items[0], (KeyStatus{0x84, 0x4983, OperationStatus::kCommandPerformed}));
  const StoredKey* tek = su.keys().Find(1, 0x84, 0x4983);
  ASSERT_NE(tek, nullptr);
  EXPECT_EQ(Copy(tek->key.Reveal()), Tek());
  EXPECT_EQ(su.window().last(), kExampleMn);
}

TEST_P(StandardRekey, ReplayIsRefusedWith07) {
  SubscriberUnit su = MakeSu();
  Bytes kmm = Hex(Vector(GetParam())["outputs"]["kmm"]);
  ASSERT_TRUE(su.Process(kmm));
  auto r = su.Process(kmm);
  ASSERT_TRUE(r);
  EXPECT_EQ(NakStatus(*r, MessageId::kRekeyCommand, kExampleMn, true),
            OperationStatus::kInvalidMessageNumber);
}

TEST_P(StandardRekey, TamperedMacIsRefusedWith04) {
  SubscriberUnit su = MakeSu();
  Bytes kmm = Hex(Vector(GetParam())["outputs"]["kmm"]);
  kmm[40] ^= 0x01;  // inside the wrapped key
  auto r = su.Process(kmm);
  ASSERT_TRUE(r);
  EXPECT_EQ(NakStatus(*r, MessageId::kRekeyCommand, kExampleMn, false),
            OperationStatus::kInvalidMac);
  EXPECT_EQ(su.keys().Find(1, 0x84, 0x4983), nullptr);
  EXPECT_FALSE(su.window().last());  // a forged MN does not move the window
}

TEST_P(StandardRekey, UnknownKekIsRefusedWith06) {
  SubscriberUnit su = MakeSu(/*with_kek=*/false);
  auto r = su.Process(Hex(Vector(GetParam())["outputs"]["kmm"]));
  ASSERT_TRUE(r);
  EXPECT_EQ(NakStatus(*r, MessageId::kRekeyCommand, kExampleMn, true),
            OperationStatus::kCouldNotDecrypt);
}

INSTANTIATE_TEST_SUITE_P(Standard, StandardRekey,
                         ::testing::Values("rekey-command-cbc-mac", "rekey-command-cmac"));

TEST(SubscriberUnit, MessageNumberOutsideTheWindowIs07) {
  SubscriberUnit su = MakeSu(true, /*mnp=*/10);
  Bytes tek(32, 0x42);
  ASSERT_TRUE(su.Process(Command(Rekey(1, 0x84, {{1, tek}}), 100)));
  auto r = su.Process(Command(Rekey(1, 0x84, {{2, tek}}), 111));
  ASSERT_TRUE(r);
  EXPECT_EQ(NakStatus(*r, MessageId::kRekeyCommand, 111, true),
            OperationStatus::kInvalidMessageNumber);
  r = su.Process(Command(Rekey(1, 0x84, {{2, tek}}), 99));
  EXPECT_EQ(NakStatus(*r, MessageId::kRekeyCommand, 99, true),
            OperationStatus::kInvalidMessageNumber);
  r = su.Process(Command(Rekey(1, 0x84, {{2, tek}}), 110));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, OperationStatus::kCommandPerformed);
}

TEST(SubscriberUnit, UnknownAlgidIs09PerKey) {
  SubscriberUnit su = MakeSu();
  auto r = su.Process(Command(Rekey(1, 0x99, {{7, Bytes(32, 1)}}), 1));
  ASSERT_TRUE(r);
  auto ack = BodyOf<RekeyAcknowledgment>(Response(*r, 1));
  ASSERT_EQ(ack.items.size(), 1u);
  EXPECT_EQ(ack.items[0], (KeyStatus{0x99, 7, OperationStatus::kInvalidAlgorithmId}));
  EXPECT_EQ(r->status, OperationStatus::kInvalidAlgorithmId);
}

TEST(SubscriberUnit, UnknownKekAlgidIsNak09) {
  SubscriberUnit su = MakeSu();
  RekeyCommand c = Rekey(1, 0x84, {{7, Bytes(32, 1)}});
  c.decryption.kek_algid = 0xAA;
  auto r = su.Process(Command(std::move(c), 1));
  EXPECT_EQ(NakStatus(*r, MessageId::kRekeyCommand, 1, true), OperationStatus::kInvalidAlgorithmId);
}

TEST(SubscriberUnit, UnsupportedMessageIs03) {
  SubscriberUnit su = MakeSu();
  // A message the SU has no codec for (Capabilities-Command), correctly MAC'd.
  KmmFrame f{
      {MessageId::kCapabilitiesCommand, ResponseKind::kImmediate, false, false, kSuRsi, kKmfRsi, 5},
      {},
      MacTrailer{Bytes(8, 0), 0x84, kMacKid, 0x41}};
  Bytes kmm = *EncodeKmmFrame(f);
  ASSERT_TRUE(SignKmm(kmm, MacKey()));
  auto r = su.Process(kmm);
  ASSERT_TRUE(r);
  EXPECT_EQ(NakStatus(*r, MessageId::kCapabilitiesCommand, 5, true),
            OperationStatus::kInvalidMessageId);
  // A message the SU sends but never receives.
  r = su.Process(Command(Hello{Hello::kRekeyRequestWithUkek}, 6));
  EXPECT_EQ(NakStatus(*r, MessageId::kHello, 6, true), OperationStatus::kInvalidMessageId);
}

TEST(SubscriberUnit, EraseOfMissingKeyIs02) {
  SubscriberUnit su = MakeSu();
  ASSERT_TRUE(su.Process(Command(Rekey(1, 0x84, {{1, Bytes(32, 1)}}), 1)));
  auto r = su.Process(
      Command(Rekey(1, 0x84, {{1, Bytes(32, 0)}, {2, Bytes(32, 0)}}, kKeyFormatErase), 2));
  ASSERT_TRUE(r);
  auto ack = BodyOf<RekeyAcknowledgment>(Response(*r, 2));
  ASSERT_EQ(ack.items.size(), 2u);
  EXPECT_EQ(ack.items[0].status, OperationStatus::kCommandPerformed);
  EXPECT_EQ(ack.items[1].status, OperationStatus::kItemDoesNotExist);
  EXPECT_EQ(su.keys().Find(1, 0x84, 1), nullptr);
  r = su.Process(Command(DeleteKeyCommand{1, 0x84, {0x0002}}, 3));
  auto del = BodyOf<DeleteKeyResponse>(Response(*r, 3));
  EXPECT_EQ(del.items[0], (KeyStatus{0x84, 2, OperationStatus::kItemDoesNotExist}));
}

TEST(SubscriberUnit, UnknownMacKeyIs08AndMissingMacIs04) {
  SubscriberUnit su = MakeSu();
  Kmm k{{}, ZeroizeCommand{}, std::nullopt};
  k.header.destination_rsi = kSuRsi;
  k.header.source_rsi = kKmfRsi;
  k.header.message_number = 1;
  auto b = EncodeSignedKmm(k, MacFormat::kCmac, 0x1111, MacKey());
  auto r = su.Process(*b);
  EXPECT_EQ(NakStatus(*r, MessageId::kZeroizeCommand, 1, false), OperationStatus::kInvalidKeyId);
  r = su.Process(*k.Encode());
  EXPECT_EQ(NakStatus(*r, MessageId::kZeroizeCommand, 1, false), OperationStatus::kInvalidMac);
  EXPECT_EQ(su.keys().KeyCount(), 2u);
}

TEST(SubscriberUnit, UnwrapFailureIs06PerKey) {
  SubscriberUnit su = MakeSu();
  RekeyCommand c = Rekey(1, 0x84, {{9, Bytes(32, 3)}});
  c.keysets[0].keys[0].key.RevealMutable()[3] ^= 1;
  auto r = su.Process(Command(std::move(c), 1));
  auto ack = BodyOf<RekeyAcknowledgment>(Response(*r, 1));
  EXPECT_EQ(ack.items[0].status, OperationStatus::kCouldNotDecrypt);
}

TEST(SubscriberUnit, OtherRecipientAndMalformedAreErrors) {
  SubscriberUnit su = MakeSu();
  auto r = su.Process(Command(ZeroizeCommand{}, 1, MacFormat::kCmac, 0x123456));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kWrongRecipient);
  EXPECT_FALSE(su.Process(Bytes{0x1E, 0x00}));
  // The group RSI and the broadcast RSI are this radio's too.
  EXPECT_TRUE(su.Process(
      Command(InventoryCommand{InventoryType::kListMnp, {}}, 2, MacFormat::kCmac, 0x000777)));
}

TEST(SubscriberUnit, KekDeliveryThenRekeyUnderTheNewKek) {
  SubscriberUnit su = MakeSu();
  Bytes new_kek(32, 0x5A);
  RekeyCommand c = Rekey(kKekKeysetId, 0x84, {{0x0A0A, new_kek}}, kKeyFormatKek);
  ASSERT_TRUE(su.Process(Command(std::move(c), 1)));
  ASSERT_NE(su.keys().FindKek(0x84, 0x0A0A), nullptr);
  RekeyCommand under_new;
  under_new.decryption = {0x84, 0x0A0A, std::nullopt};
  auto w = WrapKey(SecretBytes(new_kek), SecretBytes(Bytes(32, 0x77)));
  KeysetItem ks{0x00, 2, 0x84, 40, {}};
  ks.keys.push_back(KeyItem{0x00, 0x0003, 0x0B0B, SecretBytes(*w)});
  under_new.keysets.push_back(std::move(ks));
  auto r = su.Process(Command(std::move(under_new), 2));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, OperationStatus::kCommandPerformed);
  EXPECT_EQ(Copy(su.keys().Find(2, 0x84, 0x0B0B)->key.Reveal()), Bytes(32, 0x77));
}

TEST(SubscriberUnit, ModifyKeyClearOnlyWhenAllowed) {
  ModifyKeyCommand m;
  m.decryption = {0x80, 0x0000, std::nullopt};
  m.keyset_id = 1;
  m.algid = 0x84;
  m.key_length = 32;
  m.keys.push_back(KeyItem{0x00, 1, 0x0101, SecretBytes(Bytes(32, 9))});
  SubscriberUnit su = MakeSu();
  auto r = su.Process(Command(m.Clone(), 1));
  EXPECT_EQ(NakStatus(*r, MessageId::kModifyKeyCommand, 1, true),
            OperationStatus::kCommandNotPerformed);
  SubscriberUnitConfig cfg = su.config();
  cfg.accept_clear_keys = true;
  KeyStore keys;
  ASSERT_TRUE(keys.Put(kKekKeysetId, 0x84, kMacKid, 2, MacKey()));
  SubscriberUnit loader(cfg, std::move(keys));
  r = loader.Process(Command(std::move(m), 1));
  auto ack = BodyOf<RekeyAcknowledgment>(Response(*r, 1));
  EXPECT_EQ(ack.acknowledged_message_id, MessageId::kModifyKeyCommand);
  EXPECT_EQ(ack.items[0].status, OperationStatus::kCommandPerformed);
  EXPECT_NE(loader.keys().Find(1, 0x84, 0x0101), nullptr);
}

TEST(SubscriberUnit, ModifyKeyWrapped) {
  SubscriberUnit su = MakeSu();
  ModifyKeyCommand m;
  m.decryption = {0x84, kKekKid, std::nullopt};
  m.keyset_id = 2;
  m.algid = 0x84;
  m.key_length = 40;
  m.keys.push_back(KeyItem{0x00, 1, 0x0202, SecretBytes(*WrapKey(Kek(), SecretBytes(Tek())))});
  auto r = su.Process(Command(std::move(m), 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, OperationStatus::kCommandPerformed);
  EXPECT_EQ(Copy(su.keys().Find(2, 0x84, 0x0202)->key.Reveal()), Tek());
}

TEST(SubscriberUnit, ChangeoverActivatesTheNewKeyset) {
  SubscriberUnit su = MakeSu();
  ASSERT_TRUE(su.Process(Command(Rekey(1, 0x84, {{1, Bytes(32, 1)}}), 1)));
  ASSERT_TRUE(su.Process(Command(Rekey(2, 0x84, {{2, Bytes(32, 2)}}), 2)));
  ASSERT_TRUE(su.keys().Activate(1));
  auto r = su.Process(Command(ChangeoverCommand{{{1, 2}}}, 3));
  auto resp = BodyOf<ChangeoverResponse>(Response(*r, 3));
  EXPECT_EQ(resp.instructions, (std::vector<ChangeoverInstruction>{{1, 2}}));
  EXPECT_EQ(su.keys().active_tek_keyset(), 2);
  r = su.Process(Command(ChangeoverCommand{{{2, 9}}}, 4));
  EXPECT_EQ(NakStatus(*r, MessageId::kChangeoverCommand, 4, true),
            OperationStatus::kItemDoesNotExist);
  EXPECT_EQ(su.keys().active_tek_keyset(), 2);
}

TEST(SubscriberUnit, ZeroizeErasesEverythingAndStillAnswersAuthenticated) {
  SubscriberUnit su = MakeSu();
  ASSERT_TRUE(su.Process(Command(Rekey(1, 0x84, {{1, Bytes(32, 1)}}), 1)));
  auto r = su.Process(Command(ZeroizeCommand{}, 2));
  ASSERT_TRUE(r);
  Kmm k = Response(*r, 2);
  EXPECT_TRUE(std::holds_alternative<ZeroizeResponse>(k.body));
  EXPECT_EQ(su.keys().KeyCount(), 0u);
  // With the MAC key gone, the next command cannot be authenticated.
  r = su.Process(Command(ZeroizeCommand{}, 3));
  EXPECT_EQ(NakStatus(*r, MessageId::kZeroizeCommand, 3, false), OperationStatus::kInvalidKeyId);
}

TEST(SubscriberUnit, Inventories) {
  SubscriberUnit su = MakeSu();
  ASSERT_TRUE(su.Process(Command(Rekey(1, 0x84, {{1, Bytes(32, 1)}, {3, Bytes(32, 3)}}), 1)));
  ASSERT_TRUE(su.Process(Command(Rekey(2, 0x84, {{2, Bytes(32, 2)}}), 2)));
  ASSERT_TRUE(su.keys().Activate(1));
  auto inv = [&](InventoryCommand c, uint16_t mn) {
    auto r = su.Process(Command(c, mn));
    EXPECT_TRUE(r);
    Kmm k = Response(*r, mn);
    return std::get<InventoryResponse>(std::move(k.body));
  };
  EXPECT_EQ(
      std::get<KeysetIdList>(inv({InventoryType::kListActiveKeysetIds, {}}, 3).list).keyset_ids,
      (std::vector<uint8_t>{1, 0xFF}));
  EXPECT_EQ(
      std::get<KeysetIdList>(inv({InventoryType::kListInactiveKeysetIds, {}}, 4).list).keyset_ids,
      (std::vector<uint8_t>{2}));
  auto ids = std::get<KeyIdList>(inv({InventoryType::kListActiveKeyIds, {}}, 5).list);
  ASSERT_EQ(ids.keysets.size(), 2u);
  EXPECT_EQ(ids.keysets[0], (KeysetKeyIds{1, 0x84, {1, 3}}));
  EXPECT_EQ(ids.keysets[1], (KeysetKeyIds{0xFF, 0x84, {kMacKid, kKekKid}}));
  auto page =
      std::get<ActiveKeyList>(inv({InventoryType::kListActiveKeys, InventoryPaging{0, 2}}, 6).list);
  ASSERT_EQ(page.keys.size(), 2u);
  EXPECT_EQ(page.keys[0], (ActiveKeyInfo{1, 0x0010, 0x84, 1}));
  EXPECT_EQ(page.inventory_marker, 2u);
  auto rest =
      std::get<ActiveKeyList>(inv({InventoryType::kListActiveKeys, InventoryPaging{2, 2}}, 7).list);
  ASSERT_EQ(rest.keys.size(), 2u);
  EXPECT_EQ(rest.inventory_marker, 0u);
  EXPECT_EQ(std::get<KmfRsiValue>(inv({InventoryType::kListKmfRsi, {}}, 8).list).kmf_rsi, kKmfRsi);
  EXPECT_EQ(std::get<MnpValue>(inv({InventoryType::kListMnp, {}}, 9).list).message_number_period,
            100);
  auto rsi = std::get<RsiItemList>(inv({InventoryType::kListRsiItems, {}}, 10).list);
  EXPECT_EQ(rsi.items, (std::vector<RsiItem>{{kKmfRsi, 10}}));
  auto r = su.Process(Command(InventoryCommand{InventoryType::kListAllUniqueKeyInfo, {}}, 11));
  EXPECT_EQ(NakStatus(*r, MessageId::kInventoryCommand, 11, true),
            OperationStatus::kCommandNotPerformed);
}

TEST(SubscriberUnit, ChangeRsiMovesTheRadioAndResetsTheMn) {
  SubscriberUnit su = MakeSu();
  auto r = su.Process(Command(ChangeRsiCommand{0x01, kSuRsi, 0x000999, 0x0400}, 1));
  auto resp = BodyOf<ChangeRsiResponse>(Response(*r, 1));
  EXPECT_EQ(resp.status, OperationStatus::kCommandPerformed);
  EXPECT_EQ(su.config().individual_rsi, 0x000999u);
  EXPECT_EQ(su.window().last(), 0x0400);
  EXPECT_EQ(su.Process(Command(ZeroizeCommand{}, 0x401)).error().kind(),
            ErrorKind::kWrongRecipient);
  r = su.Process(Command(ChangeRsiCommand{0x01, 0x123456, 0x000998, 0x0500}, 0x401,
                         MacFormat::kCmac, 0x000999));
  ASSERT_TRUE(r);
  auto k = Kmm::Decode(*r->response);
  EXPECT_EQ(std::get<ChangeRsiResponse>(k->body).status, OperationStatus::kItemDoesNotExist);
}

TEST(SubscriberUnit, RegistrationLoadConfigDeleteKeysetWarmStart) {
  SubscriberUnit su = MakeSu();
  auto r = su.Process(Command(RegistrationCommand{0x00, kDefaultKmfRsi}, 1));
  EXPECT_EQ(BodyOf<RegistrationResponse>(Response(*r, 1)).status,
            OperationStatus::kCommandPerformed);
  EXPECT_EQ(su.config().kmf_rsi, kDefaultKmfRsi);

  r = su.Process(Command(LoadConfigCommand{kKmfRsi, 5}, 2));
  EXPECT_EQ(BodyOf<LoadConfigResponse>(Response(*r, 2)),
            (LoadConfigResponse{kSuRsi, 2, OperationStatus::kCommandPerformed}));
  EXPECT_EQ(su.window().mnp(), 5);
  EXPECT_FALSE(su.window().Acceptable(8));

  WarmStartCommand ws{{0x84, kKekKid, std::nullopt},
                      40,
                      0x84,
                      KeyItem{0x00, 1, 0x0C0C, SecretBytes(*WrapKey(Kek(), SecretBytes(Tek())))}};
  r = su.Process(Command(std::move(ws), 3));
  auto ack = BodyOf<RekeyAcknowledgment>(Response(*r, 3));
  EXPECT_EQ(ack.acknowledged_message_id, MessageId::kWarmStartCommand);
  EXPECT_EQ(ack.items[0].status, OperationStatus::kCommandPerformed);
  EXPECT_EQ(su.keys().active_tek_keyset(), 1);
  EXPECT_NE(su.keys().Find(1, 0x84, 0x0C0C), nullptr);

  r = su.Process(Command(DeleteKeysetCommand{{1, 4}}, 4));
  auto del = BodyOf<DeleteKeysetResponse>(Response(*r, 4));
  EXPECT_EQ(del.items, (std::vector<KeysetStatus>{{1, OperationStatus::kCommandPerformed},
                                                  {4, OperationStatus::kItemDoesNotExist}}));
  EXPECT_FALSE(su.keys().active_tek_keyset());
}

TEST(SubscriberUnit, KmfRepliesNeedNoAnswer) {
  SubscriberUnit su = MakeSu();
  auto r = su.Process(Command(NoService{}, 1));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->response);
}

MiOctets Mi(uint8_t seed) {
  MiOctets mi{};
  for (size_t i = 0; i < 8; ++i) mi[i] = static_cast<uint8_t>(seed + i);
  return mi;
}

TEST(SubscriberUnit, EncryptedRekeyFromTheStandardExample) {
  auto v = Vector("encrypted-kmm-aes-ofb");
  Bytes mi_bytes = Hex(v["inputs"]["mi"]);
  MiOctets mi{};
  std::copy(mi_bytes.begin(), mi_bytes.end(), mi.begin());
  ByteWriter w;
  ASSERT_TRUE(EncodeAuxiliaryEncryptionHeader({mi, 0x84, kMacKid, kSapUnencryptedKmm, 0}, w));
  w.Append(Hex(v["outputs"]["ciphertext"]));
  SubscriberUnit su = MakeSu();
  auto r = su.ProcessEncrypted(w.bytes(), Mi(0x10));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, OperationStatus::kCommandPerformed);
  auto enc = DecodeEncryptedKmm(*r->response);
  ASSERT_TRUE(enc);
  EXPECT_EQ(enc->header.mi, Mi(0x10));
  EXPECT_EQ(enc->header.kid, kMacKid);
  auto plain = DecryptKmm(MacKey(), *enc);
  ASSERT_TRUE(plain);
  SuReaction clear{*plain, MessageId::kRekeyCommand, OperationStatus::kCommandPerformed};
  Kmm k = Response(clear, kExampleMn);
  EXPECT_TRUE(std::holds_alternative<RekeyAcknowledgment>(k.body));
  EXPECT_EQ(Copy(su.keys().Find(1, 0x84, 0x4983)->key.Reveal()), Tek());
}

TEST(SubscriberUnit, EncryptedWithUnknownKeyOrZeroMiIsUnableToDecrypt) {
  SubscriberUnit su = MakeSu();
  auto check = [&](const AuxiliaryEncryptionHeader& h, OperationStatus want) {
    ByteWriter w;
    ASSERT_TRUE(EncodeAuxiliaryEncryptionHeader(h, w));
    w.Append(Bytes(30, 0xAB));
    auto r = su.ProcessEncrypted(w.bytes(), Mi(1));
    ASSERT_TRUE(r);
    auto k = Kmm::Decode(*r->response);
    ASSERT_TRUE(k) << k.error().ToString();
    EXPECT_EQ(k->header.destination_rsi, kKmfRsi);
    const auto& u = std::get<UnableToDecryptResponse>(k->body);
    EXPECT_EQ(u.status, want);
    EXPECT_EQ(u.kid, h.kid);
  };
  check({Mi(3), 0x84, 0x7777, kSapUnencryptedKmm, 0}, OperationStatus::kCouldNotDecrypt);
  check({MiOctets{}, 0x84, kMacKid, kSapUnencryptedKmm, 0}, OperationStatus::kMiAllZeros);
  check({Mi(3), 0x81, kMacKid, kSapUnencryptedKmm, 0}, OperationStatus::kInvalidAlgorithmId);
}

}  // namespace
}  // namespace kb::p25
