// TIA-102.AACA 13.3 / 14.3.3-14.3.5 and AAAD: the standard's TEK wrap, CBC-MAC and CMAC (with
// their derived keys) and the AES-OFB encrypted KMM, checked on the example KMM; tamper cases.
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

nlohmann::json Vector(const std::string& name) {
  return FindVector(LoadVectors("p25-kmm.json"), name);
}
SecretBytes Secret(const nlohmann::json& j) { return SecretBytes(Hex(j)); }
Bytes Copy(ByteView v) { return Bytes(v.begin(), v.end()); }

TEST(KmmSecurity, TekWrapMatchesStandard) {
  auto v = Vector("tek-wrap");
  SecretBytes kek = Secret(v["inputs"]["kek"]);
  SecretBytes tek = Secret(v["inputs"]["tek"]);
  auto wrapped = WrapKey(kek, tek);
  ASSERT_TRUE(wrapped) << wrapped.error().ToString();
  EXPECT_EQ(*wrapped, Hex(v["outputs"]["wrapped_tek"]));
  EXPECT_EQ(wrapped->size(), WrappedLength(32));
  auto back = UnwrapKey(kek, *wrapped);
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == tek);
  (*wrapped)[5] ^= 0x01;
  auto bad = UnwrapKey(kek, *wrapped);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::kCryptoFailure);
}

TEST(KmmSecurity, ExampleWrappedKeyIsTheRekeyCommandKey) {
  auto kmm = Kmm::Decode(Hex(Vector("rekey-command-cbc-mac")["outputs"]["kmm"]));
  ASSERT_TRUE(kmm);
  auto v = Vector("tek-wrap");
  const auto& item = std::get<RekeyCommand>(kmm->body).keysets[0].keys[0];
  auto tek = UnwrapKey(Secret(v["inputs"]["kek"]), item.key.Reveal());
  ASSERT_TRUE(tek) << tek.error().ToString();
  EXPECT_EQ(Copy(tek->Reveal()), Hex(v["inputs"]["tek"]));
}

TEST(KmmSecurity, CbcMacDerivedKeyAndMac) {
  auto v = Vector("cbc-mac");
  SecretBytes key = Secret(v["inputs"]["mac_key"]);
  Bytes input = Hex(v["inputs"]["mac_input"]);
  auto k = DeriveCbcMacKey(key, input.size());
  ASSERT_TRUE(k) << k.error().ToString();
  EXPECT_EQ(Copy(k->Reveal()), Hex(v["outputs"]["derived_key"]));
  auto mac = ComputeEnhancedMac(MacFormat::kCbcMac, key, input, {});
  ASSERT_TRUE(mac);
  EXPECT_EQ(*mac, Hex(v["outputs"]["mac"]));
}

TEST(KmmSecurity, CmacDerivedKeyUsesTwoOctetLength) {
  auto v = Vector("cmac");
  SecretBytes key = Secret(v["inputs"]["mac_key"]);
  Bytes kdf_input = Hex(v["inputs"]["kdf_input"]);
  // The context is the 12 header octets inside the KDF input (after counter, label, 0x00).
  ByteView context = ByteView(kdf_input).subspan(4 + 8 + 1, 12);
  EXPECT_EQ(ToHex(ByteView(kdf_input).last(2)), "0100");
  SecretBytes k = DeriveCmacKey(key, context);
  EXPECT_EQ(Copy(k.Reveal()), Hex(v["outputs"]["derived_key"]));
  auto mac = ComputeEnhancedMac(MacFormat::kCmac, key, Hex(v["inputs"]["mac_input"]), context);
  ASSERT_TRUE(mac);
  EXPECT_EQ(*mac, Hex(v["outputs"]["mac"]));
}

class ExampleKmm : public ::testing::TestWithParam<const char*> {};

TEST_P(ExampleKmm, VerifiesAndResigns) {
  Bytes kmm = Hex(Vector(GetParam())["outputs"]["kmm"]);
  SecretBytes key = Secret(Vector("cbc-mac")["inputs"]["mac_key"]);
  auto view = ViewKmmMac(kmm);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->kid, 0x2F62);
  EXPECT_EQ(view->mac_input.size(), 72u);
  ASSERT_TRUE(VerifyKmmMac(kmm, key)) << VerifyKmmMac(kmm, key).error().ToString();
  Bytes zeroed = kmm;
  std::fill(zeroed.end() - 13, zeroed.end() - 5, 0);
  ASSERT_TRUE(SignKmm(zeroed, key));
  EXPECT_EQ(zeroed, kmm);
  // Re-encoding the decoded message and signing it gives the standard's octets again.
  auto decoded = Kmm::Decode(kmm);
  ASSERT_TRUE(decoded);
  auto signed_again = EncodeSignedKmm(*decoded, static_cast<MacFormat>(decoded->mac->format),
                                      decoded->mac->kid, key);
  ASSERT_TRUE(signed_again);
  EXPECT_EQ(*signed_again, kmm);
}

TEST_P(ExampleKmm, AnyFlippedBitFailsVerification) {
  Bytes kmm = Hex(Vector(GetParam())["outputs"]["kmm"]);
  SecretBytes key = Secret(Vector("cbc-mac")["inputs"]["mac_key"]);
  for (size_t i = 0; i < kmm.size(); ++i) {
    if (i == 1 || i == 2 || i == 3 || i == kmm.size() - 5) continue;  // framing, checked apart
    Bytes t = kmm;
    t[i] ^= 0x10;
    auto st = VerifyKmmMac(t, key);
    EXPECT_FALSE(st) << "flip at " << i;
  }
  Bytes wrong_key = Hex(Vector("tek-wrap")["inputs"]["kek"]);
  auto st = VerifyKmmMac(kmm, SecretBytes(wrong_key));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind(), ErrorKind::kCryptoFailure);
}

INSTANTIATE_TEST_SUITE_P(Standard, ExampleKmm,
                         ::testing::Values("rekey-command-cbc-mac", "rekey-command-cmac"));

TEST(KmmSecurity, CmacContextWithoutMessageNumberIsTheTenOctetHeader) {
  SecretBytes key = Secret(Vector("cbc-mac")["inputs"]["mac_key"]);
  Kmm k{KmmHeader{}, ZeroizeCommand{}, std::nullopt};
  k.header.destination_rsi = 1;
  k.header.source_rsi = 2;
  auto b = EncodeSignedKmm(k, MacFormat::kCmac, 0x2F62, key);
  ASSERT_TRUE(b);
  auto view = ViewKmmMac(*b);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->kdf_context.size(), 10u);
  EXPECT_TRUE(VerifyKmmMac(*b, key));
}

TEST(KmmSecurity, UnsupportedMacVariants) {
  SecretBytes key = Secret(Vector("cbc-mac")["inputs"]["mac_key"]);
  Bytes kmm = Hex(Vector("rekey-command-cmac")["outputs"]["kmm"]);
  Bytes bad_format = kmm;
  bad_format.back() = 0x42;
  EXPECT_EQ(VerifyKmmMac(bad_format, key).error().kind(), ErrorKind::kUnsupported);
  Bytes bad_algid = kmm;
  bad_algid[kmm.size() - 4] = 0x81;
  EXPECT_EQ(VerifyKmmMac(bad_algid, key).error().kind(), ErrorKind::kUnsupported);
  Bytes no_mac = {0x21, 0x00, 0x07, 0x80, 0, 0, 1, 0, 0, 2};
  EXPECT_EQ(VerifyKmmMac(no_mac, key).error().kind(), ErrorKind::kNotFound);
}

TEST(KmmSecurity, EncryptedKmmMatchesStandard) {
  auto v = Vector("encrypted-kmm-aes-ofb");
  SecretBytes key = Secret(v["inputs"]["key"]);
  Bytes mi_bytes = Hex(v["inputs"]["mi"]);
  MiOctets mi{};
  std::copy(mi_bytes.begin(), mi_bytes.end(), mi.begin());
  EXPECT_EQ(ExpandMiToAesIv(mi), Hex(v["outputs"]["iv"]));
  AuxiliaryEncryptionHeader h{mi, 0x84, 0x2F62, kSapUnencryptedKmm, 0};
  Bytes plain = Hex(v["inputs"]["plaintext"]);
  auto enc = EncryptKmm(key, h, plain);
  ASSERT_TRUE(enc) << enc.error().ToString();
  ASSERT_EQ(enc->size(), kAuxiliaryEncryptionHeaderSize + plain.size());
  EXPECT_EQ(Copy(ByteView(*enc).subspan(kAuxiliaryEncryptionHeaderSize)),
            Hex(v["outputs"]["ciphertext"]));
  auto parsed = DecodeEncryptedKmm(*enc);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->header, h);
  auto dec = DecryptKmm(key, *parsed);
  ASSERT_TRUE(dec);
  EXPECT_EQ(*dec, plain);
}

TEST(KmmSecurity, EncryptedKmmRefusals) {
  SecretBytes key(Bytes(32, 7));
  AuxiliaryEncryptionHeader h{MiOctets{}, 0x84, 1, kSapUnencryptedKmm, 0};
  EXPECT_EQ(EncryptKmm(key, h, Bytes(10, 0)).error().kind(), ErrorKind::kInvalidArgument);
  h.mi[0] = 1;
  h.algid = 0x81;
  EXPECT_EQ(EncryptKmm(key, h, Bytes(10, 0)).error().kind(), ErrorKind::kUnsupported);
  EXPECT_FALSE(DecodeEncryptedKmm(Bytes(12, 1)));
}

}  // namespace
}  // namespace kb::p25
