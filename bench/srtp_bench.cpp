// RFC 7714 SRTP (AEAD_AES_128_GCM) throughput, keybridge next to Debian's libsrtp 2.5.0 on the
// same packets: protect and unprotect of 33-octet (AMR-WB 12.65 kbit/s) and 160-octet payloads.
//
// "Lib" profile: 8-octet MKI (GMK-ID || GUK-ID), implicit ROC: the profile both libraries
// implement, and they produce byte-identical packets (tests/srtp/libsrtp_interop_test.cpp), so
// the unprotect benchmarks of both feed on the very same protected packets. "Group" profile:
// the TS 33.180 GMK default (8-octet MKI and RCCm3), which libsrtp 2.5.0 lacks.
//
// Protect: one packet template, SEQ incremented per packet (across ROC rollovers). Unprotect: a
// ring of kRing packets protected once up front; each pass over the ring starts a fresh
// receiver session (setup amortised over kRing packets), so no packet is ever a replay. Every
// iteration copies the packet into a work buffer first (both libraries work in place).
#include <benchmark/benchmark.h>
#include <srtp2/srtp.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "srtp/key_derivation.h"
#include "srtp/rtp_header.h"
#include "srtp/srtp_session.h"

namespace {

using kb::Bytes;
using kb::srtp::RocMode;
using kb::srtp::Session;

const Bytes kKey(16, 0x42);
const Bytes kSalt(12, 0x24);
const Bytes kMki = kb::srtp::GmkMki(1, 2);
constexpr uint32_t kSsrc = 0x11223344;
constexpr size_t kRing = 4096;

Session Ours(RocMode mode) {
  auto s = Session::Create({.mki_size = 8, .roc_mode = mode, .replay_window = 128});
  if (!s || !s->AddMasterKey(kMki, kKey, kSalt)) std::abort();
  return std::move(*s);
}

// A libsrtp session with the same master key, salt and MKI.
class LibSrtp {
 public:
  explicit LibSrtp(bool inbound) {
    static const bool kInit = srtp_init() == srtp_err_status_ok;
    if (!kInit) std::abort();
    key_ = kKey;
    key_.insert(key_.end(), kSalt.begin(), kSalt.end());
    mki_ = kMki;
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof(policy));
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.window_size = 128;
    master_ = srtp_master_key_t{key_.data(), mki_.data(), static_cast<unsigned>(mki_.size())};
    master_list_[0] = &master_;
    policy.keys = master_list_;
    policy.num_master_keys = 1;
    if (srtp_create(&session_, &policy) != srtp_err_status_ok) std::abort();
  }
  ~LibSrtp() { srtp_dealloc(session_); }
  LibSrtp(const LibSrtp&) = delete;
  LibSrtp& operator=(const LibSrtp&) = delete;

  srtp_t get() const { return session_; }

 private:
  Bytes key_;
  Bytes mki_;
  srtp_master_key_t master_{};
  srtp_master_key_t* master_list_[1] = {};
  srtp_t session_ = nullptr;
};

Bytes RtpPacket(uint16_t seq, size_t payload_len) {
  kb::srtp::RtpHeader h;
  h.payload_type = 106;
  h.sequence_number = seq;
  h.timestamp = 320u * seq;
  h.ssrc = kSsrc;
  kb::ByteWriter w;
  if (!h.Encode(w)) std::abort();
  for (size_t i = 0; i < payload_len; ++i) w.U8(static_cast<uint8_t>(i * 7 + seq));
  return std::move(w).Take();
}

void SetSeq(Bytes& packet, uint16_t seq) {
  packet[2] = static_cast<uint8_t>(seq >> 8);
  packet[3] = static_cast<uint8_t>(seq);
}

// kRing packets protected in the libsrtp-compatible profile (or the group profile).
std::vector<Bytes> ProtectedRing(size_t payload_len, RocMode mode) {
  Session tx = Ours(mode);
  std::vector<Bytes> ring;
  ring.reserve(kRing);
  for (size_t i = 0; i < kRing; ++i) {
    auto p = tx.ProtectRtp(RtpPacket(static_cast<uint16_t>(i), payload_len));
    if (!p) std::abort();
    ring.push_back(std::move(*p));
  }
  return ring;
}

void Count(benchmark::State& state, size_t payload_len) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload_len));
}

// The allocating API (Bytes in, Bytes out), for comparison with the in-place one.
void BM_SrtpProtect_Keybridge_Alloc(benchmark::State& state) {
  auto payload_len = static_cast<size_t>(state.range(0));
  Session tx = Ours(RocMode::kRccm3);
  Bytes packet = RtpPacket(0, payload_len);
  uint16_t seq = 0;
  for (auto _ : state) {
    SetSeq(packet, seq++);
    auto p = tx.ProtectRtp(packet);
    if (!p) state.SkipWithError("protect failed");
    benchmark::DoNotOptimize(p);
  }
  Count(state, payload_len);
}
BENCHMARK(BM_SrtpProtect_Keybridge_Alloc)->Arg(33)->Arg(160);

void ProtectOurs(benchmark::State& state, RocMode mode) {
  auto payload_len = static_cast<size_t>(state.range(0));
  Session tx = Ours(mode);
  Bytes packet = RtpPacket(0, payload_len);
  Bytes buf(packet.size() + 64);
  uint16_t seq = 0;
  for (auto _ : state) {
    SetSeq(packet, seq++);
    std::memcpy(buf.data(), packet.data(), packet.size());
    auto n = tx.ProtectRtpInPlace(buf, packet.size());
    if (!n) state.SkipWithError("protect failed");
    benchmark::DoNotOptimize(buf.data());
  }
  Count(state, payload_len);
}

void BM_SrtpProtect_Keybridge(benchmark::State& state) { ProtectOurs(state, RocMode::kImplicit); }
BENCHMARK(BM_SrtpProtect_Keybridge)->Arg(33)->Arg(160);

void BM_SrtpProtect_KeybridgeRccm3(benchmark::State& state) { ProtectOurs(state, RocMode::kRccm3); }
BENCHMARK(BM_SrtpProtect_KeybridgeRccm3)->Arg(33)->Arg(160);

void BM_SrtpProtect_Libsrtp(benchmark::State& state) {
  auto payload_len = static_cast<size_t>(state.range(0));
  LibSrtp tx(false);
  Bytes packet = RtpPacket(0, payload_len);
  Bytes buf(packet.size() + SRTP_MAX_TRAILER_LEN + 16);
  uint16_t seq = 0;
  for (auto _ : state) {
    SetSeq(packet, seq++);
    std::memcpy(buf.data(), packet.data(), packet.size());
    int len = static_cast<int>(packet.size());
    if (srtp_protect_mki(tx.get(), buf.data(), &len, 1, 0) != srtp_err_status_ok) {
      state.SkipWithError("libsrtp protect failed");
    }
    benchmark::DoNotOptimize(buf.data());
  }
  Count(state, payload_len);
}
BENCHMARK(BM_SrtpProtect_Libsrtp)->Arg(33)->Arg(160);

void UnprotectOurs(benchmark::State& state, RocMode mode) {
  auto payload_len = static_cast<size_t>(state.range(0));
  std::vector<Bytes> ring = ProtectedRing(payload_len, mode);
  auto rx = std::make_unique<Session>(Ours(mode));
  Bytes buf(ring[0].size());
  size_t i = 0;
  for (auto _ : state) {
    if (i == kRing) {
      i = 0;
      rx = std::make_unique<Session>(Ours(mode));
    }
    std::memcpy(buf.data(), ring[i].data(), buf.size());
    ++i;
    auto n = rx->UnprotectRtpInPlace(buf);
    if (!n) state.SkipWithError("unprotect failed");
    benchmark::DoNotOptimize(buf.data());
  }
  Count(state, payload_len);
}

void BM_SrtpUnprotect_Keybridge(benchmark::State& state) {
  UnprotectOurs(state, RocMode::kImplicit);
}
BENCHMARK(BM_SrtpUnprotect_Keybridge)->Arg(33)->Arg(160);

void BM_SrtpUnprotect_KeybridgeRccm3(benchmark::State& state) {
  UnprotectOurs(state, RocMode::kRccm3);
}
BENCHMARK(BM_SrtpUnprotect_KeybridgeRccm3)->Arg(33)->Arg(160);

void BM_SrtpUnprotect_Libsrtp(benchmark::State& state) {
  auto payload_len = static_cast<size_t>(state.range(0));
  std::vector<Bytes> ring = ProtectedRing(payload_len, RocMode::kImplicit);
  auto rx = std::make_unique<LibSrtp>(true);
  Bytes buf(ring[0].size());
  size_t i = 0;
  for (auto _ : state) {
    if (i == kRing) {
      i = 0;
      rx = std::make_unique<LibSrtp>(true);
    }
    std::memcpy(buf.data(), ring[i].data(), buf.size());
    ++i;
    int len = static_cast<int>(buf.size());
    if (srtp_unprotect_mki(rx->get(), buf.data(), &len, 1) != srtp_err_status_ok) {
      state.SkipWithError("libsrtp unprotect failed");
    }
    benchmark::DoNotOptimize(buf.data());
  }
  Count(state, payload_len);
}
BENCHMARK(BM_SrtpUnprotect_Libsrtp)->Arg(33)->Arg(160);

}  // namespace
