// Key derivation: TS 33.220 Annex B generic KDF, the MIKEY PRF and key derivation of RFC 3830
// 4.1.2/4.1.3 (HMAC-SHA1) and RFC 6043 6.1 (HMAC-SHA-256), and NIST SP 800-108 counter mode.
#include "crypto/kdf.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "crypto/hash.h"
#include "crypto/openssl_detail.h"

namespace kb::crypto {

Bytes Kdf33220Input(uint8_t fc, std::initializer_list<ByteView> params) {
  ByteWriter w;
  w.U8(fc);
  for (ByteView p : params) {
    if (p.size() > 0xFFFF) throw std::length_error("TS 33.220 KDF parameter over 65535 octets");
    w.Append(p).U16(static_cast<uint16_t>(p.size()));
  }
  return std::move(w).Take();
}

SecretBytes Kdf33220(ByteView key, uint8_t fc, std::initializer_list<ByteView> params) {
  Bytes s = Kdf33220Input(fc, params);
  Sha256Digest d = HmacSha256(key, s);
  SecretBytes out{ByteView(d)};
  SecureWipe(d.data(), d.size());
  return out;
}

namespace {

// RFC 3830 4.1.2: inkey is cut into pieces of 256 bits (the last may be shorter).
constexpr size_t kPrfChunk = 32;

// P(s, label, m) of RFC 3830 4.1.2, XORed into out (out.size() octets are used).
void PrfChunkXor(const char* digest, size_t hash_len, ByteView s, ByteView label,
                 std::span<uint8_t> out) {
  std::array<uint8_t, 32> a{};  // A_i
  std::array<uint8_t, 32> block{};
  ByteView prev = label;  // A_0 = label
  size_t done = 0;
  while (done < out.size()) {
    detail::Hmac(digest, s, {prev}, std::span(a).first(hash_len));  // A_i = HMAC(s, A_(i-1))
    prev = ByteView(a).first(hash_len);
    detail::Hmac(digest, s, {prev, label}, std::span(block).first(hash_len));
    size_t n = std::min(hash_len, out.size() - done);
    for (size_t i = 0; i < n; ++i) out[done + i] ^= block[i];
    done += n;
  }
  SecureWipe(a.data(), a.size());
  SecureWipe(block.data(), block.size());
}

}  // namespace

SecretBytes MikeyPrf(MikeyPrfFunc func, ByteView inkey, ByteView label, size_t out_len) {
  const char* digest = func == MikeyPrfFunc::kHmacSha256 ? "SHA256" : "SHA1";
  size_t hash_len = func == MikeyPrfFunc::kHmacSha256 ? 32 : 20;
  SecretBytes out(out_len);
  if (inkey.empty()) {
    PrfChunkXor(digest, hash_len, inkey, label, out.RevealMutable());
    return out;
  }
  for (size_t pos = 0; pos < inkey.size(); pos += kPrfChunk) {
    ByteView s = inkey.subspan(pos, std::min(kPrfChunk, inkey.size() - pos));
    PrfChunkXor(digest, hash_len, s, label, out.RevealMutable());
  }
  return out;
}

SecretBytes MikeyDerive(MikeyPrfFunc func, ByteView tgk, uint32_t constant, uint8_t cs_id,
                        uint32_t csb_id, ByteView rand, size_t out_len) {
  ByteWriter label(9 + rand.size());
  label.U32(constant).U8(cs_id).U32(csb_id).Append(rand);
  return MikeyPrf(func, tgk, label.view(), out_len);
}

SecretBytes Sp800108CounterHmacSha256(ByteView key, ByteView label, ByteView context,
                                      size_t out_len, size_t length_octets) {
  if (length_octets < 1 || length_octets > 8) {
    throw std::invalid_argument("SP 800-108: the length field must be 1..8 octets");
  }
  const uint64_t bits = static_cast<uint64_t>(out_len) * 8;
  if (length_octets < 8 && bits >> (8 * length_octets) != 0) {
    throw std::invalid_argument("SP 800-108: output length does not fit the length field");
  }
  const size_t blocks = (out_len + 31) / 32;
  if (blocks > 0xFFFFFFFFu) throw std::invalid_argument("SP 800-108: output too long");
  ByteWriter l;
  l.Uint(bits, length_octets);
  static constexpr uint8_t kSeparator[1] = {0x00};
  SecretBytes out(out_len);
  std::span<uint8_t> dst = out.RevealMutable();
  for (size_t i = 1; i <= blocks; ++i) {
    ByteWriter counter;
    counter.U32(static_cast<uint32_t>(i));
    Sha256Digest k = HmacSha256(key, {counter.view(), label, kSeparator, context, l.view()});
    size_t off = (i - 1) * 32;
    size_t n = std::min<size_t>(32, out_len - off);
    std::copy_n(k.begin(), n, dst.begin() + static_cast<std::ptrdiff_t>(off));
    SecureWipe(k.data(), k.size());
  }
  return out;
}

}  // namespace kb::crypto
