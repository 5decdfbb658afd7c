// TIA-102.AACA 10.3 KMM bodies: the standard's Rekey-Command fields, golden encodings of each
// body, round trips through the Kmm dispatch, and decoder errors naming field and offset.
#include <gtest/gtest.h>

#include "p25/kmm.h"
#include "testing/vectors.h"

namespace kb::p25 {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

KmmHeader Header(std::optional<uint16_t> mn = 0x0102) {
  KmmHeader h;
  h.response_kind = ResponseKind::kImmediate;
  h.destination_rsi = 0x000102;
  h.source_rsi = 0x98967F;
  h.message_number = mn;
  return h;
}

// Encodes body in a KMM, checks the body octets against golden_body_hex, decodes and compares.
void RoundTrip(KmmBody body, const std::string& golden_body_hex, bool self_delimiting = true) {
  SCOPED_TRACE(std::string(MessageIdName(MessageIdOf(body))));
  auto body_bytes = EncodeKmmBody(body);
  ASSERT_TRUE(body_bytes) << body_bytes.error().ToString();
  EXPECT_EQ(ToHex(*body_bytes), golden_body_hex);
  Kmm kmm{Header(), CloneKmmBody(body), MacTrailer{Bytes(8, 0x11), 0x84, 0x2F62, 0x41}};
  auto encoded = kmm.Encode();
  ASSERT_TRUE(encoded) << encoded.error().ToString();
  EXPECT_EQ(encoded->size(), 12 + body_bytes->size() + 13);
  EXPECT_EQ(static_cast<MessageId>((*encoded)[0]), MessageIdOf(body));
  auto decoded = Kmm::Decode(*encoded);
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  kmm.header.message_id = MessageIdOf(body);
  EXPECT_TRUE(*decoded == kmm);
  auto again = decoded->Encode();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *encoded);
  // Every shorter body fails to decode (no body is a prefix-closed format except empty ones).
  if (!self_delimiting) return;
  if (!body_bytes->empty()) {
    KmmFrame frame{kmm.header, Bytes(body_bytes->begin(), body_bytes->end() - 1), std::nullopt};
    EXPECT_FALSE(DecodeKmmBody(frame));
  }
  // One trailing octet too many fails too.
  KmmFrame longer{kmm.header, *body_bytes, std::nullopt};
  longer.body.push_back(0);
  EXPECT_FALSE(DecodeKmmBody(longer));
}

TEST(KmmCodec, StandardRekeyCommandFields) {
  auto v = FindVector(LoadVectors("p25-kmm.json"), "rekey-command-cbc-mac")["outputs"];
  Bytes bytes = Hex(v["kmm"]);
  auto kmm = Kmm::Decode(bytes);
  ASSERT_TRUE(kmm) << kmm.error().ToString();
  const auto* rc = std::get_if<RekeyCommand>(&kmm->body);
  ASSERT_NE(rc, nullptr);
  EXPECT_FALSE(rc->decryption.mi);
  EXPECT_EQ(rc->decryption.kek_algid, 0x84);
  EXPECT_EQ(rc->decryption.kek_kid, 0x50BC);
  ASSERT_EQ(rc->keysets.size(), 1u);
  const KeysetItem& ks = rc->keysets[0];
  EXPECT_EQ(ks.keyset_format, 0x00);
  EXPECT_EQ(ks.keyset_id, 1);
  EXPECT_EQ(ks.algid, 0x84);
  EXPECT_EQ(ks.key_length, 0x28);
  ASSERT_EQ(ks.keys.size(), 1u);
  EXPECT_EQ(ks.keys[0].key_format, 0x00);
  EXPECT_FALSE(ks.keys[0].IsKek());
  EXPECT_EQ(ks.keys[0].sln, 0x0000);
  EXPECT_EQ(ks.keys[0].kid, 0x4983);
  EXPECT_EQ(Bytes(ks.keys[0].key.Reveal().begin(), ks.keys[0].key.Reveal().end()),
            Hex(v["wrapped_key"]));
  auto again = kmm->Encode();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, bytes);
}

TEST(KmmCodec, CmacExampleDecodesToo) {
  Bytes bytes =
      Hex(FindVector(LoadVectors("p25-kmm.json"), "rekey-command-cmac")["outputs"]["kmm"]);
  auto kmm = Kmm::Decode(bytes);
  ASSERT_TRUE(kmm) << kmm.error().ToString();
  EXPECT_EQ(kmm->mac->format, 0x41);
  EXPECT_EQ(*kmm->Encode(), bytes);
}

KeyItem Key(uint8_t format, uint16_t sln, uint16_t kid, size_t len, uint8_t fill) {
  return KeyItem{format, sln, kid, SecretBytes(Bytes(len, fill))};
}

TEST(KmmCodec, RekeyCommandTwoKeysetsWithMi) {
  RekeyCommand c;
  c.decryption = {0x84, 0x0001, MiOctets{1, 2, 3, 4, 5, 6, 7, 8, 0}};
  KeysetItem a{0x00, 1, 0x84, 3, {}};
  a.keys.push_back(Key(0x00, 0x0010, 0x0101, 3, 0xA1));
  a.keys.push_back(Key(0x00, 0x0011, 0x0102, 3, 0xA2));
  KeysetItem b{0x00, 0xFF, 0x84, 2, {}};
  b.keys.push_back(Key(0x80, 0x0020, 0x0201, 2, 0xB1));
  c.keysets.push_back(std::move(a));
  c.keysets.push_back(std::move(b));
  RoundTrip(std::move(c),
            "40840001010203040506070800"
            "02"
            "0001840302"
            "000010"
            "0101"
            "a1a1a1"
            "000011"
            "0102"
            "a2a2a2"
            "00ff840201"
            "800020"
            "0201"
            "b1b1");
}

TEST(KmmCodec, ModifyKeyCommandKfdtoolLayout) {
  ModifyKeyCommand c;
  c.decryption = {0x80, 0x0000, std::nullopt};
  c.keyset_id = 0xFF;
  c.algid = 0x84;
  c.key_length = 4;
  c.keys.push_back(Key(0x80, 0x0001, 0x0002, 4, 0xC3));
  RoundTrip(std::move(c),
            "0000800000"
            "ff840401"
            "80000100"
            "02c3c3c3c3");
}

TEST(KmmCodec, RekeyAcknowledgment) {
  RekeyAcknowledgment a{MessageId::kRekeyCommand,
                        {{0x84, 0x4983, OperationStatus::kCommandPerformed},
                         {0x81, 0x0001, OperationStatus::kInvalidAlgorithmId}}};
  RoundTrip(a,
            "1e02"
            "84498300"
            "81000109");
}

TEST(KmmCodec, NegativeAcknowledgment) {
  RoundTrip(NegativeAcknowledgment{MessageId::kRekeyCommand, 0x1772, OperationStatus::kInvalidMac},
            "1e177204");
}

TEST(KmmCodec, EmptyBodies) {
  RoundTrip(NoService{}, "");
  RoundTrip(ZeroizeCommand{}, "");
  RoundTrip(ZeroizeResponse{}, "");
}

TEST(KmmCodec, Hello) { RoundTrip(Hello{Hello::kRekeyRequestWithUkek}, "01"); }

TEST(KmmCodec, InventoryCommands) {
  RoundTrip(InventoryCommand{InventoryType::kListActiveKeysetIds, std::nullopt}, "02");
  RoundTrip(InventoryCommand{InventoryType::kListActiveKeys, InventoryPaging{0x000000, 0x004E}},
            "fd000000004e");
}

TEST(KmmCodec, InventoryResponses) {
  RoundTrip(InventoryResponse{InventoryType::kListActiveKeysetIds, KeysetIdList{{1, 0xFF}}},
            "02000201ff");
  RoundTrip(InventoryResponse{InventoryType::kListInactiveKeysetIds, KeysetIdList{{2}}},
            "03000102");
  RoundTrip(
      InventoryResponse{InventoryType::kListActiveKeyIds, KeyIdList{{{1, 0x84, {0x4983, 0x0002}}}}},
      "040001"
      "018402"
      "49830002");
  RoundTrip(InventoryResponse{InventoryType::kListActiveKeys,
                              ActiveKeyList{0x000001, {{1, 0x0005, 0x84, 0x4983}}}},
            "fd000001"
            "0001"
            "01000584"
            "4983");
  RoundTrip(InventoryResponse{InventoryType::kListRsiItems, RsiItemList{{{0x98967F, 0x1772}}}},
            "0b0001"
            "98967f1772");
  RoundTrip(InventoryResponse{InventoryType::kListMnp, MnpValue{0x0010}}, "fe0010");
  RoundTrip(InventoryResponse{InventoryType::kListKmfRsi, KmfRsiValue{0x98967F}}, "ff98967f");
  RoundTrip(InventoryResponse{InventoryType::kListAllUniqueKeyInfo, OpaqueInventory{2, {1, 2, 3}}},
            "070002010203", /*self_delimiting=*/false);
}

TEST(KmmCodec, InventoryResponseTypeMustMatchList) {
  InventoryResponse r{InventoryType::kListMnp, KmfRsiValue{1}};
  EXPECT_FALSE(EncodeKmmBody(r));
  InventoryCommand c{InventoryType::kListActiveKeysetIds, InventoryPaging{}};
  EXPECT_FALSE(EncodeKmmBody(c));
}

TEST(KmmCodec, ChangeRsi) {
  RoundTrip(ChangeRsiCommand{0x01, 0x000102, 0x000203, 0x0005},
            "01000102000203"
            "0005");
  RoundTrip(ChangeRsiResponse{0x01, 0x000102, 0x000203, OperationStatus::kCommandPerformed},
            "0100010200020300");
}

TEST(KmmCodec, Changeover) {
  RoundTrip(ChangeoverCommand{{{1, 2}}}, "010102");
  RoundTrip(ChangeoverResponse{{{1, 2}, {3, 4}}}, "0201020304");
}

TEST(KmmCodec, RegistrationAndDeregistration) {
  RoundTrip(RegistrationCommand{0x00, 0x98967F}, "0098967f");
  RoundTrip(RegistrationResponse{OperationStatus::kCommandPerformed}, "00");
  RoundTrip(DeregistrationCommand{0x00, 0x98967F}, "0098967f");
  RoundTrip(DeregistrationResponse{OperationStatus::kCommandNotPerformed}, "01");
}

TEST(KmmCodec, WarmStartCommand) {
  WarmStartCommand w{{0x84, 0x50BC, std::nullopt}, 4, 0x84, Key(0x00, 0x0001, 0x4983, 4, 0xEE)};
  RoundTrip(std::move(w),
            "008450bc"
            "0484"
            "0000014983eeeeeeee");
}

TEST(KmmCodec, UnableToDecryptResponse) {
  UnableToDecryptResponse u;
  u.algid = 0x84;
  u.kid = 0x50BC;
  u.status = OperationStatus::kCouldNotDecrypt;
  u.keyset = KeysetItem{0x00, 1, 0x84, 0, {}};
  RoundTrip(u.Clone(),
            "008450bc06"
            "0001840000");
  u.instruction = DecryptionInstruction{0x84, 0x50BC, std::nullopt};
  RoundTrip(std::move(u),
            "808450bc06"
            "008450bc"
            "0001840000");
}

TEST(KmmCodec, DeleteKeyAndKeyset) {
  RoundTrip(DeleteKeyCommand{1, 0x84, {0x4983, 0x0001}}, "01840249830001");
  RoundTrip(DeleteKeyResponse{{{0x84, 0x4983, OperationStatus::kItemDoesNotExist}}}, "0184498302");
  RoundTrip(DeleteKeysetCommand{{1, 2}}, "020102");
  RoundTrip(DeleteKeysetResponse{{{1, OperationStatus::kCommandPerformed}}}, "010100");
}

TEST(KmmCodec, LoadConfigAndSessionControl) {
  RoundTrip(LoadConfigCommand{0x98967F, 0x0010}, "98967f0010");
  RoundTrip(LoadConfigResponse{0x000102, 0x0005, OperationStatus::kCommandPerformed},
            "000102000500");
  RoundTrip(SessionControl{0x00, 0x01, 0x01}, "000101");
}

TEST(KmmCodec, UnknownMessageIdIsUnsupported) {
  Bytes kmm = {0x01, 0x00, 0x07, 0x00, 0, 0, 1, 0, 0, 2};  // Capabilities-Command
  auto d = Kmm::Decode(kmm);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind(), ErrorKind::kUnsupported);
  EXPECT_TRUE(DecodeKmmFrame(kmm));
  EXPECT_FALSE(IsKnownMessageId(MessageId::kCapabilitiesCommand));
  EXPECT_TRUE(IsKnownMessageId(MessageId::kRekeyCommand));
}

TEST(KmmCodec, BodyErrorsNameFieldAndAbsoluteOffset) {
  Bytes kmm =
      Hex(FindVector(LoadVectors("p25-kmm.json"), "rekey-command-cbc-mac")["outputs"]["kmm"]);
  kmm[12] = 0x41;  // DIF
  auto d = Kmm::Decode(kmm);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message(),
            "Decryption Instruction Format at offset 12: 0x41 (0x00 or 0x40 expected)");
  kmm[12] = 0x00;
  kmm[22] = 0x03;  // key format with a key-name length
  d = Kmm::Decode(kmm);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(d.error().message().find("offset 22"), std::string::npos) << d.error().message();
}

TEST(KmmCodec, KeyOfWrongLengthIsRefused) {
  RekeyCommand c;
  KeysetItem k{0x00, 1, 0x84, 40, {}};
  k.keys.push_back(Key(0, 0, 1, 32, 0));
  c.keysets.push_back(std::move(k));
  EXPECT_EQ(EncodeKmmBody(std::move(c)).error().kind(), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace kb::p25
