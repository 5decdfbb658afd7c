// TS 33.180 Annex F.2.1 MIKEY-SAKKE UID and Annex F.1.3 / 5.2.3 GUK-ID user salt.
#include "crypto/mc_identity.h"

#include "crypto/hash.h"
#include "crypto/kdf.h"

namespace kb::crypto {

namespace {

// A minimal-length big-endian integer; zero is the single octet 0x00 (F.2.1 as deployed).
Bytes MinimalBigEndian(uint64_t v) {
  Bytes out;
  do {
    out.insert(out.begin(), static_cast<uint8_t>(v & 0xFF));
    v >>= 8;
  } while (v != 0);
  return out;
}

constexpr uint8_t kUidFc = 0x00;        // a placeholder: the KDF itself is not used
constexpr uint8_t kGukIdSaltFc = 0x50;  // TS 33.180 F.1.3
constexpr uint32_t kLow28 = 0x0FFFFFFF;

}  // namespace

Uid MikeySakkeUid(std::string_view uri, std::string_view kms_uri, const KeyPeriod& period,
                  uint64_t period_number) {
  Bytes len = MinimalBigEndian(period.length_seconds);
  Bytes off = MinimalBigEndian(period.offset_seconds);
  Bytes num = MinimalBigEndian(period_number);
  Bytes s = Kdf33220Input(
      kUidFc, {AsBytes("MIKEY-SAKKE-UID"), AsBytes(uri), AsBytes(kms_uri), len, off, num});
  return Sha256(s);
}

uint32_t GukIdSalt(ByteView gmk, std::string_view user_uri) {
  SecretBytes k = Kdf33220(gmk, kGukIdSaltFc, {AsBytes(user_uri)});
  ByteView tail = k.Reveal().last(4);
  uint32_t v = (uint32_t{tail[0]} << 24) | (uint32_t{tail[1]} << 16) | (uint32_t{tail[2]} << 8) |
               uint32_t{tail[3]};
  return v & kLow28;
}

uint32_t GukIdFromGmkId(uint32_t gmk_id, ByteView gmk, std::string_view user_uri) {
  return gmk_id ^ GukIdSalt(gmk, user_uri);  // the salt has a zero top nibble
}

}  // namespace kb::crypto
