// RFC 3711 3.2 / RFC 7714 12: the session keys of one SRTP master key for AEAD_AES_128_GCM
// (SRTP and SRTCP encryption keys and 12-octet salts), with the AES-GCM key schedules kept.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"
#include "core/secret.h"
#include "crypto/aes_gcm_key.h"

namespace kb::srtp {

using Iv = std::array<uint8_t, 12>;

// RFC 7714 8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt (12 octets).
Iv SrtpIv(ByteView session_salt, uint32_t ssrc, uint32_t roc, uint16_t seq);
// RFC 7714 9.1: IV = (00 00 || SSRC || 00 00 || 0 || 31-bit SRTCP index) XOR salt.
Iv SrtcpIv(ByteView session_salt, uint32_t ssrc, uint32_t srtcp_index);

// The keys one master key yields. Movable, not copyable; wiped on destruction.
class CryptoContext {
 public:
  // RFC 3711 4.3 with KDR 0 from a 16-octet master key and a 12-octet master salt (labels
  // 0x00/0x02 for SRTP, 0x03/0x05 for SRTCP).
  static Result<CryptoContext> FromMasterKey(ByteView master_key, ByteView master_salt);
  // From given session keys (16 octets) and salts (12 octets), as the RFC 7714 examples state
  // them.
  static Result<CryptoContext> FromSessionKeys(ByteView srtp_key, ByteView srtp_salt,
                                               ByteView srtcp_key, ByteView srtcp_salt);

  const crypto::AesGcmKey& srtp_key() const { return srtp_key_; }
  ByteView srtp_salt() const { return srtp_salt_.Reveal(); }
  const crypto::AesGcmKey& srtcp_key() const { return srtcp_key_; }
  ByteView srtcp_salt() const { return srtcp_salt_.Reveal(); }

 private:
  CryptoContext(crypto::AesGcmKey a, SecretBytes as, crypto::AesGcmKey b, SecretBytes bs)
      : srtp_key_(std::move(a)),
        srtp_salt_(std::move(as)),
        srtcp_key_(std::move(b)),
        srtcp_salt_(std::move(bs)) {}

  crypto::AesGcmKey srtp_key_;
  SecretBytes srtp_salt_;
  crypto::AesGcmKey srtcp_key_;
  SecretBytes srtcp_salt_;
};

}  // namespace kb::srtp
