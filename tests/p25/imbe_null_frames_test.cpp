// The IMBE substitute frames against the imbe-null-frames entry of p25-voice.json.
#include "p25/imbe_null_frames.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "testing/vectors.h"

namespace kb::p25 {
namespace {

TEST(ImbeNullFrames, MatchTheVector) {
  auto v = kb::testing::FindVector(kb::testing::LoadVectors("p25-voice.json"), "imbe-null-frames");
  EXPECT_EQ(ToHex(kImbeClearSilence), v.at("values").at("clear_silence").get<std::string>());
  EXPECT_EQ(ToHex(kImbeEncryptedNull), v.at("values").at("encrypted_null").get<std::string>());
}

}  // namespace
}  // namespace kb::p25
