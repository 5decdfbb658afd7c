// Cryptographically secure random octets (OpenSSL RAND_bytes).
#include "crypto/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <limits>

namespace kb::crypto {

void RandomFill(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    size_t chunk = std::min<size_t>(out.size() - done, std::numeric_limits<int>::max());
    if (RAND_bytes(out.data() + done, static_cast<int>(chunk)) != 1) {
      std::fputs("keybridge: the random generator failed; aborting\n", stderr);
      std::abort();
    }
    done += chunk;
  }
}

Bytes RandomBytes(size_t n) {
  Bytes b(n);
  RandomFill(b);
  return b;
}

SecretBytes RandomSecret(size_t n) {
  SecretBytes s(n);
  RandomFill(s.RevealMutable());
  return s;
}

}  // namespace kb::crypto
