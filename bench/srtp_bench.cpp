// Benchmarks of RFC 7714 SRTP (AEAD_AES_128_GCM) with the TS 33.180 group profile (8-octet MKI,
// RCCm3): protect, and protect + unprotect, of a 33-octet AMR-WB-sized and a 160-octet payload.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "srtp/key_derivation.h"
#include "srtp/rtp_header.h"
#include "srtp/srtp_session.h"

namespace {

const kb::Bytes kKey(16, 0x42);
const kb::Bytes kSalt(12, 0x24);

kb::srtp::Session GroupSession() {
  auto s = kb::srtp::Session::Create(
      {.mki_size = 8, .roc_mode = kb::srtp::RocMode::kRccm3, .replay_window = 64});
  if (!s || !s->AddMasterKey(kb::srtp::GmkMki(1, 2), kKey, kSalt)) std::abort();
  return std::move(*s);
}

kb::Bytes Packet(uint16_t seq, size_t payload_len) {
  kb::srtp::RtpHeader h;
  h.payload_type = 106;
  h.sequence_number = seq;
  h.timestamp = 320u * seq;
  h.ssrc = 0x11223344;
  kb::ByteWriter w;
  if (!h.Encode(w)) std::abort();
  w.Zeros(payload_len);
  return std::move(w).Take();
}

void BM_SrtpProtect(benchmark::State& state) {
  auto payload_len = static_cast<size_t>(state.range(0));
  kb::srtp::Session tx = GroupSession();
  kb::Bytes packet = Packet(0, payload_len);
  uint16_t seq = 0;
  for (auto _ : state) {
    packet[2] = static_cast<uint8_t>(seq >> 8);
    packet[3] = static_cast<uint8_t>(seq);
    auto p = tx.ProtectRtp(packet);
    if (!p) state.SkipWithError("protect failed");
    benchmark::DoNotOptimize(p);
    ++seq;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload_len));
}
BENCHMARK(BM_SrtpProtect)->Arg(33)->Arg(160);

// One sender and one receiver; an item is one packet protected and then unprotected.
void BM_SrtpProtectUnprotect(benchmark::State& state) {
  auto payload_len = static_cast<size_t>(state.range(0));
  kb::srtp::Session tx = GroupSession();
  kb::srtp::Session rx = GroupSession();
  kb::Bytes packet = Packet(0, payload_len);
  uint16_t seq = 0;
  for (auto _ : state) {
    packet[2] = static_cast<uint8_t>(seq >> 8);
    packet[3] = static_cast<uint8_t>(seq);
    auto p = tx.ProtectRtp(packet);
    if (!p) state.SkipWithError("protect failed");
    auto back = rx.UnprotectRtp(*p);
    if (!back) state.SkipWithError("unprotect failed");
    benchmark::DoNotOptimize(back);
    ++seq;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload_len));
}
BENCHMARK(BM_SrtpProtectUnprotect)->Arg(33)->Arg(160);

}  // namespace
