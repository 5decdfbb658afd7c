// TIA-102.AACA 13.3 key wrap of TEKs and KEKs under a KEK.
#include "p25/key_wrap.h"

#include "crypto/aes.h"

namespace kb::p25 {

Result<Bytes> WrapKey(const SecretBytes& kek, const SecretBytes& key) {
  return crypto::AesKeyWrap(kek.Reveal(), key.Reveal());
}

Result<SecretBytes> UnwrapKey(const SecretBytes& kek, ByteView wrapped) {
  return crypto::AesKeyUnwrap(kek.Reveal(), wrapped);
}

}  // namespace kb::p25
