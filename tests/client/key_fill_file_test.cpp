// keybridge key-fill file (docs/key-fill-file.md): round trip, the documented example, and
// every refusal.
#include "client/key_fill_file.h"

#include <gtest/gtest.h>

#include <string>

#include "core/encoding.h"

namespace kb::client {
namespace {

std::string Body(std::string fields) { return "keybridge-key-fill 1\n" + fields; }
// Appends the right checksum line.
std::string Sealed(std::string text) { return text + "check: " + KeyFillChecksum(text) + "\n"; }

constexpr const char* kKey32 = "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f";

std::string Good() {
  return Sealed(
      Body(std::string("rsi: 0x643BA8\nalgid: 0x84\nkid: 0x1234\nname: ALICE-UKEK-1\nkey: ") +
           kKey32 + "\n"));
}

TEST(KeyFillFile, ParsesTheDocumentedExample) {
  // docs/key-fill-file.md, "Example" (the checksum was computed with sha256sum).
  std::string text =
      "keybridge-key-fill 1\n"
      "# alice's radio, UKEK for OTAR\n"
      "rsi: 0x643BA8\n"
      "algid: 0x84\n"
      "kid: 0x1234\n"
      "name: ALICE-UKEK-1\n"
      "key: 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\n"
      "check: a1f2dd05\n";
  std::string before = text.substr(0, text.find("check:"));
  auto f = ParseKeyFill(before + "check: " + KeyFillChecksum(before) + "\n");
  ASSERT_TRUE(f) << f.error().ToString();
  EXPECT_EQ(f->rsi, 0x643BA8u);
  EXPECT_EQ(f->algid, 0x84);
  EXPECT_EQ(f->kid, 0x1234);
  EXPECT_EQ(f->keyset, 0xFF);
  EXPECT_EQ(f->sln, 0);
  EXPECT_EQ(f->name, "ALICE-UKEK-1");
  EXPECT_EQ(ToHex(f->key.Reveal()), kKey32);
  // The documented checksum is the real one.
  EXPECT_EQ(KeyFillChecksum(before), "a1f2dd05") << "update docs/key-fill-file.md";
}

TEST(KeyFillFile, RoundTripsThroughFormat) {
  KeyFill in;
  in.rsi = 0x000123;
  in.algid = 0x85;
  in.kid = 0xBEEF;
  in.keyset = 2;
  in.sln = 7;
  in.name = "Ünit ключ";
  in.key = SecretBytes(*FromHex("00112233445566778899aabbccddeeff"));
  auto text = FormatKeyFill(in);
  ASSERT_TRUE(text) << text.error().ToString();
  auto out = ParseKeyFill(AsString(text->Reveal()));
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->rsi, in.rsi);
  EXPECT_EQ(out->algid, in.algid);
  EXPECT_EQ(out->kid, in.kid);
  EXPECT_EQ(out->keyset, in.keyset);
  EXPECT_EQ(out->sln, in.sln);
  EXPECT_EQ(out->name, in.name);
  EXPECT_TRUE(out->key == in.key);
}

TEST(KeyFillFile, AcceptsCrLfCommentsBlankLinesAndUpperCaseChecksum) {
  std::string text =
      "keybridge-key-fill 1\r\n\r\n# comment\r\nrsi: 12\r\nalgid: 132\r\n"
      "kid: 1\r\nkey: " +
      std::string(kKey32) + "\r\n";
  std::string sum = KeyFillChecksum(text);
  for (char& c : sum) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto f = ParseKeyFill(text + "check: " + sum + "\r\n\n");
  ASSERT_TRUE(f) << f.error().ToString();
  EXPECT_EQ(f->rsi, 12u);
  EXPECT_EQ(f->algid, 0x84);
}

struct Bad {
  const char* what;
  std::string text;
  ErrorKind kind;
  const char* says;
};

TEST(KeyFillFile, RefusesBadFiles) {
  std::string key = std::string("key: ") + kKey32 + "\n";
  std::string base = "rsi: 0x643BA8\nalgid: 0x84\nkid: 0x1234\n";
  std::string good = Good();
  std::string flipped = good;
  flipped[good.find("key: ") + 6] ^= 0x01;  // one hex digit changed, same checksum line
  std::vector<Bad> cases = {
      {"empty", "", ErrorKind::kTruncated, "empty"},
      {"no magic", Sealed("rsi: 1\n"), ErrorKind::kUnsupported, "first line"},
      {"version 2", Sealed("keybridge-key-fill 2\n" + base + key), ErrorKind::kUnsupported,
       "first line"},
      {"missing key", Sealed(Body(base)), ErrorKind::kTruncated, "'key'"},
      {"missing check", Body(base + key), ErrorKind::kTruncated, "'check'"},
      {"missing rsi", Sealed(Body("algid: 0x84\nkid: 1\n" + key)), ErrorKind::kTruncated, "'rsi'"},
      {"unknown field", Sealed(Body(base + key + "colour: red\n")), ErrorKind::kUnsupported,
       "unknown field"},
      {"duplicate", Sealed(Body(base + "kid: 2\n" + key)), ErrorKind::kMalformed, "twice"},
      {"no colon", Sealed(Body(base + "key " + kKey32 + "\n")), ErrorKind::kMalformed,
       "field: value"},
      {"rsi broadcast", Sealed(Body("rsi: 0xFFFFFF\nalgid: 0x84\nkid: 1\n" + key)),
       ErrorKind::kMalformed, "broadcast"},
      {"rsi zero", Sealed(Body("rsi: 0\nalgid: 0x84\nkid: 1\n" + key)), ErrorKind::kMalformed,
       "broadcast"},
      {"rsi too big", Sealed(Body("rsi: 0x1000000\nalgid: 0x84\nkid: 1\n" + key)),
       ErrorKind::kMalformed, "maximum"},
      {"kid too big", Sealed(Body("rsi: 1\nalgid: 0x84\nkid: 65536\n" + key)),
       ErrorKind::kMalformed, "maximum"},
      {"bad number", Sealed(Body("rsi: 1x\nalgid: 0x84\nkid: 1\n" + key)), ErrorKind::kMalformed,
       "not a decimal"},
      {"negative", Sealed(Body("rsi: -1\nalgid: 0x84\nkid: 1\n" + key)), ErrorKind::kMalformed,
       "not a decimal"},
      {"unknown algid", Sealed(Body("rsi: 1\nalgid: 0x99\nkid: 1\n" + key)),
       ErrorKind::kUnsupported, "ALGID"},
      {"short key", Sealed(Body(base + "key: 0011\n")), ErrorKind::kMalformed, "needs 32"},
      {"odd hex", Sealed(Body(base + "key: 001\n")), ErrorKind::kMalformed, "odd number"},
      {"not hex", Sealed(Body(base + "key: zz\n")), ErrorKind::kMalformed, "not a hex digit"},
      {"zero key", Sealed(Body(base + "key: " + std::string(64, '0') + "\n")),
       ErrorKind::kMalformed, "all zeros"},
      {"control char in name", Sealed(Body(base + "name: a\x7f" + "b\n" + key)),
       ErrorKind::kMalformed, "name"},
      {"control char", Sealed(Body(base + "name: a\x01\n" + key)), ErrorKind::kMalformed,
       "control character"},
      {"bad checksum", Body(base + key + "check: 00000000\n"), ErrorKind::kCryptoFailure,
       "checksum"},
      {"short checksum", Body(base + key + "check: 0\n"), ErrorKind::kCryptoFailure, "checksum"},
      {"changed key digit", flipped, ErrorKind::kCryptoFailure, "checksum"},
      {"text after check", good + "rsi: 2\n", ErrorKind::kMalformed, "after the check"},
      {"too large", Sealed(Body(base + key + "# " + std::string(5000, 'x') + "\n")),
       ErrorKind::kMalformed, "at most"},
  };
  for (const auto& c : cases) {
    auto f = ParseKeyFill(c.text);
    ASSERT_FALSE(f) << c.what;
    EXPECT_EQ(f.error().kind(), c.kind) << c.what << ": " << f.error().ToString();
    EXPECT_NE(f.error().message().find(c.says), std::string::npos)
        << c.what << ": " << f.error().ToString();
    // No error ever quotes the key.
    EXPECT_EQ(f.error().ToString().find("1011121314"), std::string::npos) << c.what;
  }
}

TEST(KeyFillFile, EveryTruncationIsRefused) {
  std::string good = Good();
  ASSERT_TRUE(ParseKeyFill(good));
  for (size_t n = 0; n + 1 < good.size(); ++n) {
    EXPECT_FALSE(ParseKeyFill(good.substr(0, n))) << n;
  }
}

TEST(KeyFillFile, FormatRefusesKeysThatDoNotSuitTheAlgid) {
  KeyFill f;
  f.rsi = 1;
  f.algid = 0x84;
  f.key = SecretBytes(16);
  EXPECT_FALSE(FormatKeyFill(f));
  f.algid = 0x85;
  f.rsi = 0xFFFFFF;
  EXPECT_FALSE(FormatKeyFill(f));
}

}  // namespace
}  // namespace kb::client
