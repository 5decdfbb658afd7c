// RFC 3261 8.1.1.4, 8.1.1.7, 19.3: SIP tokens from a per-thread buffer of DRBG output.
#include "net/sip_token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <stdexcept>

namespace kb::net {
namespace {

constexpr size_t kBufferSize = 4096;

struct TokenBuffer {
  std::array<uint8_t, kBufferSize> octets{};
  size_t used = kBufferSize;  // empty: filled on first use
  ~TokenBuffer() { OPENSSL_cleanse(octets.data(), octets.size()); }
};

thread_local TokenBuffer tls_buffer;

// A forked child starts with a copy of the forking thread's buffer: drop it, or parent and
// child would hand out the same tokens.
void DropAfterFork() {
  OPENSSL_cleanse(tls_buffer.octets.data(), tls_buffer.octets.size());
  tls_buffer.used = kBufferSize;
}

}  // namespace

std::string SipToken(size_t octets) {
  static std::once_flag once;
  std::call_once(once, [] { pthread_atfork(nullptr, nullptr, &DropAfterFork); });
  if (octets == 0 || octets > 32) throw std::invalid_argument("SipToken: 1..32 octets");
  TokenBuffer& b = tls_buffer;
  if (kBufferSize - b.used < octets) {
    if (RAND_bytes(b.octets.data(), static_cast<int>(kBufferSize)) != 1) {
      throw std::runtime_error("RAND_bytes failed");  // environment error
    }
    b.used = 0;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * octets, '\0');
  for (size_t i = 0; i < octets; ++i) {
    uint8_t v = b.octets[b.used + i];
    out[2 * i] = kHex[v >> 4];
    out[2 * i + 1] = kHex[v & 0x0f];
  }
  // Each octet is handed out once; wipe it so the buffer never holds used values.
  OPENSSL_cleanse(b.octets.data() + b.used, octets);
  b.used += octets;
  return out;
}

}  // namespace kb::net
