// RFC 3711 / RFC 7714 SRTP and SRTCP with AEAD_AES_128_GCM as TS 33.180 uses it: MKI-selected
// master keys (7.4), per-SSRC streams, the RFC 3711 3.3 replay list, and the roll-over counter
// carried in every packet (RFC 4771 RCCm3 with R = 1) for group media.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/bytes.h"
#include "srtp/crypto_context.h"
#include "srtp/replay_window.h"

namespace kb::srtp {

inline constexpr size_t kAeadTagSize = 16;
inline constexpr size_t kRocSize = 4;

// How the receiver learns the roll-over counter.
enum class RocMode {
  kImplicit,  // RFC 3711 3.3.1 index estimation (private calls, the RFC 7714 default)
  kRccm3,     // RFC 4771 mode 3, ROC transmission rate 1: 4-octet ROC after the MKI in every
              // SRTP packet (TS 33.180 Table E.2-1 for the GMK); SRTCP unchanged
};

// One session's fixed parameters (what the MIKEY security policy fixes).
struct SessionPolicy {
  // MKI length of every packet: 0 (no MKI), 4 (PCK-ID, CSK-ID) or 8 (GMK-ID || GUK-ID).
  size_t mki_size = 0;
  RocMode roc_mode = RocMode::kImplicit;
  // Replay list length in packets (RFC 3711 3.3.2), for SRTP and SRTCP alike.
  size_t replay_window = 64;
  // The E flag of sent SRTCP packets (RFC 7714 9.3: E = 0 authenticates without encrypting).
  bool encrypt_rtcp = true;
};

// An SRTP/SRTCP session: master keys by MKI, and separate send and receive state per SSRC.
// Pure: no sockets, no clocks. Not thread-safe.
//
// Sending: the active send key protects; the sender's index per SSRC follows SEQ (RFC 3711
// 3.3.1, the same estimate the receiver makes) and an index is never protected twice (a
// repeated SEQ is refused with kReplay, since GCM must not reuse an IV). Receiving: the MKI
// selects the master key; the ROC comes from the packet (RCCm3) or the estimate; a packet
// changes the stream state only after its tag verifies.
class Session {
 public:
  // kInvalidArgument for an MKI size other than 0, 4 or 8 or a window outside 1..32768.
  static Result<Session> Create(const SessionPolicy& policy);

  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  // Adds a master key (16-octet key, 12-octet salt) under its MKI (mki_size octets). The first
  // key added becomes the send key. kConflict for an MKI already present.
  Status AddMasterKey(ByteView mki, ByteView master_key, ByteView master_salt);
  // Adds already derived session keys (for the RFC 7714 examples and tests).
  Status AddCryptoContext(ByteView mki, CryptoContext context);
  // Removes a key (kNotFound if absent); the send key cannot be removed while selected.
  Status RemoveMasterKey(ByteView mki);
  // Chooses the key that protects outgoing packets; kNotFound if absent.
  Status SelectSendKey(ByteView mki);

  // Sets the ROC of an SSRC's stream (signalled out of band, e.g. a sender that continues a
  // stream, or a receiver told the ROC): the next packet of that SSRC takes index ROC << 16 |
  // SEQ, and the stream's replay list starts afresh. Applies to send and receive state.
  void SetRoc(uint32_t ssrc, uint32_t roc);
  // The ROC of the highest index sent / received on an SSRC, if any packet was.
  std::optional<uint32_t> SendRoc(uint32_t ssrc) const;
  std::optional<uint32_t> ReceiveRoc(uint32_t ssrc) const;
  // Sets the next SRTCP index to send on an SSRC (31 bits).
  void SetNextSrtcpIndex(uint32_t ssrc, uint32_t index);

  // RTP packet (header || payload) -> header || ciphertext || tag || MKI [|| ROC].
  // kMalformed/kTruncated for a bad header, kNotFound with no send key, kReplay for an index
  // already protected, kExpired when the index space is used up.
  Result<Bytes> ProtectRtp(ByteView rtp_packet);
  // SRTP packet -> RTP packet. kTruncated/kMalformed, kNotFound for an unknown MKI, kReplay,
  // kCryptoFailure when the tag does not verify.
  Result<Bytes> UnprotectRtp(ByteView srtp_packet);

  // The fast path (no allocation): protects in place. buffer holds the RTP packet in its first
  // rtp_len octets and must have RtpOverhead() more octets of room; returns the SRTP packet's
  // length. Errors as ProtectRtp, plus kInvalidArgument when the room is missing; on error
  // the buffer's payload is unchanged.
  Result<size_t> ProtectRtpInPlace(std::span<uint8_t> buffer, size_t rtp_len);
  // The fast path: unprotects packet in place and returns the RTP packet's length (header ||
  // payload, at the start of packet). Errors as UnprotectRtp; after kCryptoFailure the
  // payload octets are wiped (the packet must be dropped).
  Result<size_t> UnprotectRtpInPlace(std::span<uint8_t> packet);
  // Octets an SRTP packet adds to its RTP packet: tag, MKI and (RCCm3) ROC.
  size_t RtpOverhead() const;

  // RTCP compound packet -> first 8 octets || ciphertext || tag || E|index || MKI (E = 1), or
  // packet || tag || E|index || MKI (E = 0). kExpired after 2^31 packets on an SSRC.
  Result<Bytes> ProtectRtcp(ByteView rtcp_packet);
  // SRTCP packet -> RTCP packet, accepting E = 1 and E = 0. Errors as UnprotectRtp.
  Result<Bytes> UnprotectRtcp(ByteView srtcp_packet);

  const SessionPolicy& policy() const { return policy_; }

 private:
  struct KeyEntry {
    Bytes mki;
    CryptoContext context;
  };
  struct SrtpStream {
    ReplayWindow window;               // empty until the first packet
    std::optional<uint32_t> next_roc;  // from SetRoc, for the first packet
  };
  struct SrtcpStream {
    ReplayWindow window;
    uint32_t next_index = 0;  // sender side
  };

  explicit Session(const SessionPolicy& policy);
  const KeyEntry* FindKey(ByteView mki) const;
  // The index of a packet from its SEQ: the signalled ROC (or 0) for a stream's first packet,
  // the RFC 3711 3.3.1 estimate afterwards.
  static Result<uint64_t> IndexFor(const SrtpStream* stream, uint16_t seq);
  // The stream of an SSRC in one direction's map, through a one-entry cache of the last SSRC
  // (streams are nodes of an unordered_map, so their addresses are stable until erased).
  struct StreamCache {
    uint32_t ssrc = 0;
    SrtpStream* stream = nullptr;
  };
  SrtpStream* FindStream(std::unordered_map<uint32_t, SrtpStream>& map, StreamCache& cache,
                         uint32_t ssrc);

  SessionPolicy policy_;
  std::vector<std::unique_ptr<KeyEntry>> keys_;
  const KeyEntry* send_key_ = nullptr;
  const KeyEntry* last_recv_key_ = nullptr;  // the key of the last packet that verified
  std::unordered_map<uint32_t, SrtpStream> send_rtp_;
  std::unordered_map<uint32_t, SrtpStream> recv_rtp_;
  std::unordered_map<uint32_t, SrtcpStream> send_rtcp_;
  std::unordered_map<uint32_t, SrtcpStream> recv_rtcp_;
  StreamCache send_cache_;
  StreamCache recv_cache_;
};

}  // namespace kb::srtp
