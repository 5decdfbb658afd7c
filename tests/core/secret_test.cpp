// Tests of SecretBytes: wiping, explicit copies, constant-time comparison.
#include "core/secret.h"

#include <gtest/gtest.h>

#include <type_traits>

namespace kb {
namespace {

static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_convertible_v<SecretBytes, ByteView>);

TEST(SecretBytes, MoveLeavesSourceEmpty) {
  SecretBytes a(ByteView(Bytes{1, 2, 3}));
  SecretBytes b = std::move(a);
  EXPECT_EQ(b.size(), 3u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract under test
}

TEST(SecretBytes, AdoptWipesTheSource) {
  Bytes raw = {9, 9, 9, 9};
  SecretBytes s = SecretBytes::Adopt(std::move(raw));
  EXPECT_EQ(s.size(), 4u);
  EXPECT_TRUE(raw.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(SecretBytes, ClearWipes) {
  SecretBytes s(ByteView(Bytes{1, 2, 3, 4}));
  const uint8_t* p = s.Reveal().data();
  s.Clear();
  EXPECT_TRUE(s.empty());
  // The vector keeps its buffer after clear(); the octets there must be zero.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(p[i], 0);
}

TEST(SecretBytes, CompareAndClone) {
  SecretBytes a(ByteView(Bytes{1, 2, 3}));
  SecretBytes b = a.Clone();
  EXPECT_TRUE(a == b);
  b.RevealMutable()[2] = 4;
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(a == SecretBytes(ByteView(Bytes{1, 2})));
}

}  // namespace
}  // namespace kb
