// TS 33.180 E.1.2: writes the seed corpus of fuzz/i_message_fuzzer.cpp (valid I_MESSAGEs from
// the builder) when KB_WRITE_FUZZ_SEEDS=1; i_message_codec_test.cpp checks the committed seeds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "mikey_fixture.h"

namespace kb::mikey {
namespace {

using testing::TestCommunity;

std::filesystem::path SeedDir() {
  return std::filesystem::path(KB_SOURCE_DIR) / "fuzz" / "corpus" / "i_message";
}

TEST(FuzzSeeds, WriteWhenAsked) {
  const char* write = std::getenv("KB_WRITE_FUZZ_SEEDS");
  if (!write || std::string(write) != "1") GTEST_SKIP() << "set KB_WRITE_FUZZ_SEEDS=1";
  const TestCommunity& c = TestCommunity::Get();
  struct Seed {
    const char* name;
    const testing::TestUser* from;
    DistributedKey key;
    CreateOptions options;
  };
  CreateOptions hidden = testing::DefaultCreate();
  hidden.identity_hiding = true;
  hidden.sakke_to_self = true;
  hidden.key_parameters = KeyParameters{};
  hidden.key_parameters->text = "seed";
  hidden.key_parameters->group_ids = {{kMcGroupIdIei, "sip:group@example.org"}};
  CreateOptions no_sp = testing::DefaultCreate();
  no_sp.include_security_policy = false;
  Seed seeds[] = {
      {"gmk.bin", &c.gms, testing::Gmk(), testing::DefaultCreate()},
      {"gmk_hidden_self_params.bin", &c.gms, testing::Gmk(), hidden},
      {"pck.bin", &c.alice, testing::Pck(), testing::DefaultCreate()},
      {"pck_no_sp.bin", &c.alice, testing::Pck(), no_sp},
      {"csk.bin", &c.alice, testing::Csk(), testing::DefaultCreate()},
  };
  std::filesystem::create_directories(SeedDir());
  for (const Seed& s : seeds) {
    auto m = CreateIMessage(s.from->AsInitiator(), c.bob.AsResponder(), s.key, s.options);
    ASSERT_TRUE(m) << m.error().ToString();
    std::ofstream out(SeedDir() / s.name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(m->message.data()),
              static_cast<std::streamsize>(m->message.size()));
    ASSERT_TRUE(out.good());
  }
}

}  // namespace
}  // namespace kb::mikey
