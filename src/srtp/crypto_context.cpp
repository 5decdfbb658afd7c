// RFC 7714 8.1, 9.1 and 12: IV formation and the session keys of one master key.
#include "srtp/crypto_context.h"

#include <string>

#include "srtp/key_derivation.h"

namespace kb::srtp {

namespace {

void PutU32(Iv& iv, size_t at, uint32_t v) {
  iv[at] = static_cast<uint8_t>(v >> 24);
  iv[at + 1] = static_cast<uint8_t>(v >> 16);
  iv[at + 2] = static_cast<uint8_t>(v >> 8);
  iv[at + 3] = static_cast<uint8_t>(v);
}

void XorSalt(Iv& iv, ByteView salt) {
  for (size_t i = 0; i < iv.size() && i < salt.size(); ++i) iv[i] ^= salt[i];
}

Status CheckSizes(ByteView key, ByteView salt, const char* what) {
  if (key.size() != kSessionKeySize || salt.size() != kSessionSaltSize) {
    return Fail(Error::InvalidArgument(
        std::string(what) + ": session key must be 16 octets and salt 12, got " +
        std::to_string(key.size()) + " and " + std::to_string(salt.size())));
  }
  return Ok();
}

}  // namespace

Iv SrtpIv(ByteView session_salt, uint32_t ssrc, uint32_t roc, uint16_t seq) {
  Iv iv{};
  PutU32(iv, 2, ssrc);
  PutU32(iv, 6, roc);
  iv[10] = static_cast<uint8_t>(seq >> 8);
  iv[11] = static_cast<uint8_t>(seq);
  XorSalt(iv, session_salt);
  return iv;
}

Iv SrtcpIv(ByteView session_salt, uint32_t ssrc, uint32_t srtcp_index) {
  Iv iv{};
  PutU32(iv, 2, ssrc);
  PutU32(iv, 8, srtcp_index & 0x7FFFFFFFu);
  XorSalt(iv, session_salt);
  return iv;
}

Result<CryptoContext> CryptoContext::FromMasterKey(ByteView master_key, ByteView master_salt) {
  if (master_key.size() != kMasterKeySize || master_salt.size() != kMasterSaltSize) {
    return Fail(Error::InvalidArgument(
        "SRTP master key must be 16 octets and master salt 12, got " +
        std::to_string(master_key.size()) + " and " + std::to_string(master_salt.size())));
  }
  KB_TRY(SecretBytes salt112, SaltForKdf(master_salt));
  KB_TRY(SecretBytes ke, DeriveSessionKey(master_key, salt112.Reveal(), KeyLabel::kSrtpEncryption,
                                          kSessionKeySize));
  KB_TRY(SecretBytes ks,
         DeriveSessionKey(master_key, salt112.Reveal(), KeyLabel::kSrtpSalt, kSessionSaltSize));
  KB_TRY(SecretBytes ce, DeriveSessionKey(master_key, salt112.Reveal(), KeyLabel::kSrtcpEncryption,
                                          kSessionKeySize));
  KB_TRY(SecretBytes cs,
         DeriveSessionKey(master_key, salt112.Reveal(), KeyLabel::kSrtcpSalt, kSessionSaltSize));
  return FromSessionKeys(ke.Reveal(), ks.Reveal(), ce.Reveal(), cs.Reveal());
}

Result<CryptoContext> CryptoContext::FromSessionKeys(ByteView srtp_key, ByteView srtp_salt,
                                                     ByteView srtcp_key, ByteView srtcp_salt) {
  KB_CHECK(CheckSizes(srtp_key, srtp_salt, "SRTP"));
  KB_CHECK(CheckSizes(srtcp_key, srtcp_salt, "SRTCP"));
  KB_TRY(crypto::AesGcmKey a, crypto::AesGcmKey::Create(srtp_key));
  KB_TRY(crypto::AesGcmKey b, crypto::AesGcmKey::Create(srtcp_key));
  return CryptoContext(std::move(a), SecretBytes(srtp_salt), std::move(b), SecretBytes(srtcp_salt));
}

}  // namespace kb::srtp
