// keybridge KMS storage: the storage key file and environment variable, atomic writes.
#include "kms/at_rest.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/encoding.h"

namespace kb::kms {
namespace {

namespace fs = std::filesystem;

class AtRest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv(kStorageKeyEnv);
    dir_ = fs::temp_directory_path() /
           fmt::format("kb-at-rest-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    ::unsetenv(kStorageKeyEnv);
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 0777;
}

TEST_F(AtRest, CreatesKeyFileWithMode0600AndReadsItBack) {
  fs::path key_file = dir_ / "master.key";
  EXPECT_EQ(LoadStorageKey(key_file, false).error().kind(), ErrorKind::kNotFound);
  auto created = LoadStorageKey(key_file, true);
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(created->size(), kStorageKeyBytes);
  EXPECT_EQ(ModeOf(key_file), 0600u);
  auto again = LoadStorageKey(key_file, true);
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again == *created);
  // No temporary file is left behind.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(AtRest, RefusesKeyFileOthersCanRead) {
  fs::path key_file = dir_ / "master.key";
  ASSERT_TRUE(LoadStorageKey(key_file, true));
  ::chmod(key_file.c_str(), 0644);
  auto r = LoadStorageKey(key_file, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnauthorised);
}

TEST_F(AtRest, EnvironmentTakesPrecedence) {
  std::string hex(64, 'a');
  ::setenv(kStorageKeyEnv, hex.c_str(), 1);
  auto r = LoadStorageKey(dir_ / "absent.key", false);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(*r == SecretBytes(*FromHex(hex)));
  EXPECT_FALSE(fs::exists(dir_ / "absent.key"));
  ::setenv(kStorageKeyEnv, "abcd", 1);
  auto bad = LoadStorageKey(dir_ / "absent.key", false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::kMalformed);
  EXPECT_EQ(bad.error().message().find("abcd"), std::string::npos);
}

TEST_F(AtRest, MalformedKeyFile) {
  fs::path key_file = dir_ / "master.key";
  ASSERT_TRUE(WriteFileAtomic(key_file, AsBytes("not hex at all\n"), 0600));
  auto r = LoadStorageKey(key_file, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kMalformed);
}

TEST_F(AtRest, AtomicWriteReplacesAndBoundsReads) {
  fs::path f = dir_ / "file";
  ASSERT_TRUE(WriteFileAtomic(f, AsBytes("first"), 0644));
  ASSERT_TRUE(WriteFileAtomic(f, AsBytes("second"), 0600));
  EXPECT_EQ(ModeOf(f), 0600u);
  auto back = ReadFileBounded(f, 100);
  ASSERT_TRUE(back);
  EXPECT_EQ(AsString(*back), "second");
  EXPECT_EQ(ReadFileBounded(f, 3).error().kind(), ErrorKind::kMalformed);
  EXPECT_EQ(ReadFileBounded(dir_ / "none", 3).error().kind(), ErrorKind::kNotFound);
  EXPECT_FALSE(WriteFileAtomic(dir_ / "no" / "such" / "dir", AsBytes("x"), 0600));
}

}  // namespace
}  // namespace kb::kms
