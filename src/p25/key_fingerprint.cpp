// keybridge operator view: key fingerprints (docs/client.md "Key report").
#include "p25/key_fingerprint.h"

#include "core/encoding.h"
#include "crypto/hash.h"

namespace kb::p25 {

std::string KeyFingerprint(const SecretBytes& key) {
  crypto::Sha256Digest d = crypto::Sha256(key.Reveal());
  return ToHex(ByteView(d).first(8));
}

}  // namespace kb::p25
