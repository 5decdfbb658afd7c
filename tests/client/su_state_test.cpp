// TIA-102.AACA 5.1 / 13: the client's sealed SU state survives a reopen (keys, RSIs, window,
// root key record), is never in the clear on disk, and refuses tampering, another owner and
// another storage key.
#include "client/su_state.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "client/client_fixture.h"
#include "crypto/random.h"
#include "kms/at_rest.h"

namespace kb::client {
namespace {

using namespace testing;
namespace fs = std::filesystem;

class SuStateFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kb-client-state-" + ToHex(crypto::RandomBytes(6)));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SuStateFile, ReopenGivesTheSameUnit) {
  p25::SubscriberUnit su = EmptySu();
  ASSERT_TRUE(su.keys().Put(0xFF, 0x84, 0x1234, 0, Seq(0x10, 32)));
  ASSERT_TRUE(su.keys().Put(1, 0x84, 0x0042, 16, Seq(0xA0, 32)));
  ASSERT_TRUE(su.keys().Put(2, 0xAA, 0x0007, 3, Seq(0x01, 5)));
  ASSERT_TRUE(su.keys().Activate(1));
  ASSERT_TRUE(su.window().Accept(41));
  ClientExtras extras;
  extras.next_outbound_mn = 12;
  extras.root_key = InstalledRootKey{0x84, 0x1234, 7, "ALICE-UKEK", RootKeySource::kCms, kIwf};
  SecretBytes storage = crypto::RandomSecret(32);
  fs::path file = dir_ / "su-state.sealed";
  ASSERT_TRUE(SaveSuState(file, storage, kAlice, su, extras));
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  // No key appears on disk.
  std::ifstream in(file, std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), {});
  for (int seed : {0x10, 0xA0}) {
    SecretBytes k = Seq(static_cast<uint8_t>(seed), 32);
    EXPECT_EQ(raw.find(std::string(AsString(k.Reveal()).substr(0, 8))), std::string::npos);
  }

  auto loaded = LoadSuState(file, storage, kAlice);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_TRUE(loaded->has_value());
  p25::SubscriberUnit back = MakeSubscriberUnit(**loaded, true, false);
  EXPECT_EQ((*loaded)->extras, extras);
  EXPECT_EQ(back.config().individual_rsi, kAliceRsi);
  EXPECT_EQ(back.config().kmf_rsi, kKmfRsi);
  EXPECT_EQ(back.window().mnp(), 100);
  EXPECT_EQ(back.window().last(), std::optional<uint16_t>(41));
  EXPECT_EQ(back.keys().active_tek_keyset(), std::optional<uint8_t>(1));
  EXPECT_EQ(back.keys().KeyCount(), 3u);
  ASSERT_NE(back.keys().Find(2, 0xAA, 7), nullptr);
  EXPECT_TRUE(back.keys().Find(2, 0xAA, 7)->key == Seq(0x01, 5));
  EXPECT_EQ(back.keys().Find(1, 0x84, 0x42)->sln, 16);
  // Same plaintext both ways.
  auto a = EncodeSuState(su, extras);
  auto b = EncodeSuState(back, extras);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(*a == *b);

  // A replayed MN is still refused after the reopen (the window persisted).
  auto replay = back.Process(RekeyUnderUkek(Seq(0x10, 32), 0x1234, Seq(0xB0, 32), 5, 41));
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, p25::OperationStatus::kInvalidMessageNumber);
}

TEST_F(SuStateFile, MissingFileIsEmptyAndTamperingIsRefused) {
  SecretBytes storage = crypto::RandomSecret(32);
  fs::path file = dir_ / "su-state.sealed";
  auto none = LoadSuState(file, storage, kAlice);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());

  p25::SubscriberUnit su = EmptySu();
  ASSERT_TRUE(su.keys().Put(0xFF, 0x84, 1, 0, Seq(0x10, 32)));
  ASSERT_TRUE(SaveSuState(file, storage, kAlice, su, {}));
  auto other_owner = LoadSuState(file, storage, kBob);
  ASSERT_FALSE(other_owner);
  EXPECT_EQ(other_owner.error().kind(), ErrorKind::kCryptoFailure);
  auto other_key = LoadSuState(file, crypto::RandomSecret(32), kAlice);
  ASSERT_FALSE(other_key);
  EXPECT_EQ(other_key.error().kind(), ErrorKind::kCryptoFailure);

  auto bytes = kms::ReadFileBounded(file, 1 << 20);
  ASSERT_TRUE(bytes);
  (*bytes)[bytes->size() / 2] ^= 0x40;
  ASSERT_TRUE(kms::WriteFileAtomic(file, *bytes, 0600));
  auto tampered = LoadSuState(file, storage, kAlice);
  ASSERT_FALSE(tampered);
  EXPECT_EQ(tampered.error().kind(), ErrorKind::kCryptoFailure);
}

TEST(SuStateCodec, RefusesBadPlaintext) {
  p25::SubscriberUnit su = EmptySu();
  ASSERT_TRUE(su.keys().Put(0xFF, 0x84, 1, 0, Seq(0x10, 32)));
  ClientExtras extras;
  extras.root_key = InstalledRootKey{0x84, 1, 3, "N", RootKeySource::kKeyFill, ""};
  auto plain = EncodeSuState(su, extras);
  ASSERT_TRUE(plain);
  Bytes p(plain->Reveal().begin(), plain->Reveal().end());
  ASSERT_TRUE(DecodeSuState(p));
  for (size_t n = 0; n < p.size(); ++n) {
    EXPECT_FALSE(DecodeSuState(ByteView(p).first(n))) << n;
  }
  Bytes trailing = p;
  trailing.push_back(0);
  EXPECT_FALSE(DecodeSuState(trailing));
  Bytes version = p;
  version[0] = 2;
  auto v = DecodeSuState(version);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().kind(), ErrorKind::kUnsupported);
}

}  // namespace
}  // namespace kb::client

namespace kb::client {
namespace {

// The fuzz corpus seed (fuzz/corpus/key_fill/su-state-v1.bin) is a valid state, so the fuzzer
// starts from the decoder's success path.
TEST(SuStateCodec, FuzzSeedDecodes) {
  auto raw = kms::ReadFileBounded(
      std::string(KB_SOURCE_DIR) + "/fuzz/corpus/key_fill/su-state-v1.bin", 4096);
  ASSERT_TRUE(raw) << raw.error().ToString();
  auto s = DecodeSuState(*raw);
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->config.individual_rsi, 0x643BA8u);
  EXPECT_EQ(s->keys.KeyCount(), 2u);
  ASSERT_TRUE(s->extras.root_key);
  EXPECT_EQ(s->extras.root_key->iwf_uri, "sip:iwf@example.org");
}

}  // namespace
}  // namespace kb::client
