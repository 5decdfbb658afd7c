// TIA-102.AACA 5.1 key store: keysets, KEK keyset 0xFF, active keyset, erase and zeroize.
#include "p25/key_store.h"

#include <gtest/gtest.h>

namespace kb::p25 {
namespace {

TEST(KeyStore, PutFindEraseActivate) {
  KeyStore s;
  ASSERT_NE(s.FindKeyset(kKekKeysetId), nullptr);
  EXPECT_FALSE(s.active_tek_keyset());
  ASSERT_TRUE(s.Put(1, 0x84, 0x0001, 0x0010, SecretBytes(Bytes(32, 1))));
  ASSERT_TRUE(s.Put(kKekKeysetId, 0x84, 0x0002, 0x0011, SecretBytes(Bytes(32, 2))));
  EXPECT_EQ(s.Put(1, 0x84, 3, 0, SecretBytes(Bytes(16, 0))).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(s.Put(1, 0x99, 3, 0, SecretBytes(Bytes(16, 0))).error().kind(),
            ErrorKind::kUnsupported);
  EXPECT_NE(s.Find(1, 0x84, 1), nullptr);
  EXPECT_EQ(s.Find(1, 0x81, 1), nullptr);
  EXPECT_NE(s.FindKek(0x84, 2), nullptr);
  EXPECT_EQ(s.FindAnywhere(0x84, 1)->sln, 0x0010);
  EXPECT_EQ(s.KeyCount(), 2u);
  EXPECT_EQ(s.Activate(2).error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(s.Activate(kKekKeysetId).error().kind(), ErrorKind::kInvalidArgument);
  ASSERT_TRUE(s.Activate(1));
  EXPECT_TRUE(s.IsActive(1));
  EXPECT_TRUE(s.IsActive(kKekKeysetId));
  EXPECT_TRUE(s.Erase(1, 0x84, 1));
  EXPECT_FALSE(s.Erase(1, 0x84, 1));
  EXPECT_TRUE(s.EraseKeyset(1));
  EXPECT_FALSE(s.active_tek_keyset());
  EXPECT_FALSE(s.EraseKeyset(1));
  s.Zeroize();
  EXPECT_EQ(s.KeyCount(), 0u);
  EXPECT_NE(s.FindKeyset(kKekKeysetId), nullptr);
}

TEST(KeyStore, ReplacingAKeyKeepsOneEntry) {
  KeyStore s;
  ASSERT_TRUE(s.Put(1, 0x84, 1, 0, SecretBytes(Bytes(32, 1))));
  ASSERT_TRUE(s.Put(1, 0x84, 1, 5, SecretBytes(Bytes(32, 2))));
  EXPECT_EQ(s.KeyCount(), 1u);
  EXPECT_EQ(s.Find(1, 0x84, 1)->sln, 5);
  EXPECT_TRUE(s.Find(1, 0x84, 1)->key == SecretBytes(Bytes(32, 2)));
}

}  // namespace
}  // namespace kb::p25
