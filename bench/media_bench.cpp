// Security-gateway capacity (TS 33.180 Annex L.5 pipeline, src/media/security_gateway.h): how
// many group calls one core transcodes and re-encrypts in real time. counter "calls" = audio
// seconds processed per CPU second, per direction:
//   McToLmr: SRTP unprotect -> AMR-WB 12.65 decode -> 16 -> 8 kHz -> Codec2 stand-in encode ->
//            AES-256 P25 voice encryption (one item = one 20 ms frame)
//   LmrToMc: P25 decryption -> stand-in decode -> 8 -> 16 kHz -> AMR-WB encode -> SRTP protect
//            (one item = one LDU = 9 frames = 180 ms)
//   Bidirectional: the talker alternates, 180 ms on MC then 180 ms on LMR (9 FromMc + 1 FromLmr
//            per item = 0.36 s of call time): calls with equal talk time on both sides.
// A group call has one talker at a time, so a core sustains between LmrToMc (every talker on
// LMR) and McToLmr (every talker on MC) calls; Bidirectional is the even mix.
// Input: a synthetic voiced signal (harmonics of a gliding pitch, with an envelope and noise),
// so the codecs work as on speech rather than on silence.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <random>

#include "media/amr_wb_vocoder.h"
#include "media/codec2_standin_vocoder.h"
#include "media/security_gateway.h"
#include "p25/algorithm_id.h"
#include "srtp/key_derivation.h"
#include "srtp/rtp_header.h"

namespace {

using namespace kb;         // NOLINT
using namespace kb::media;  // NOLINT

const Bytes kTek(32, 0x5D);
const Bytes kSalt(12, 0x03);
const Bytes kMkiGw = srtp::GmkMki(1, 2);
const Bytes kMkiClient = srtp::GmkMki(1, 3);
constexpr size_t kFrames = 500;  // 10 s of audio

std::vector<int16_t> Voiced(uint32_t rate, size_t samples) {
  std::vector<int16_t> out(samples);
  std::mt19937 rng(1);
  std::normal_distribution<double> noise(0, 300);
  double phase = 0;
  for (size_t i = 0; i < samples; ++i) {
    double t = static_cast<double>(i) / rate;
    double f0 = 120 + 60 * std::sin(2 * std::numbers::pi * 0.7 * t);
    phase += 2 * std::numbers::pi * f0 / rate;
    double v = 0;
    for (int h = 1; h <= 12; ++h) v += std::sin(h * phase) / h;
    double env = 0.6 + 0.4 * std::sin(2 * std::numbers::pi * 3 * t);
    out[i] = static_cast<int16_t>(std::clamp(4000 * env * v + noise(rng), -32000.0, 32000.0));
  }
  return out;
}

std::unique_ptr<srtp::Session> Srtp(bool gateway_side) {
  auto s = srtp::Session::Create({.mki_size = 8, .roc_mode = srtp::RocMode::kRccm3});
  if (!s) std::abort();
  const Bytes key_gw(16, 0x02);
  const Bytes key_client(16, 0x01);
  if (!s->AddMasterKey(gateway_side ? kMkiGw : kMkiClient, gateway_side ? key_gw : key_client,
                       kSalt) ||
      !s->AddMasterKey(gateway_side ? kMkiClient : kMkiGw, gateway_side ? key_client : key_gw,
                       kSalt)) {
    std::abort();
  }
  return std::make_unique<srtp::Session>(std::move(*s));
}

SecurityGateway Gateway() {
  SecurityGateway gw;
  if (!gw.AddGroup({.group = "g",
                    .terminated = true,
                    .algid = p25::kAlgidAes256,
                    .kid = 1,
                    .tek = SecretBytes(kTek)})) {
    std::abort();
  }
  return gw;
}

std::unique_ptr<GatewayCall> Call(const SecurityGateway& gw) {
  auto c = gw.OpenCall("g", {.mc_ssrc = 7, .first_mi = p25::MessageIndicator(0x1234u)}, Srtp(true));
  if (!c) std::abort();
  return std::move(*c);
}

// 10 s of AMR-WB in SRTP from a client.
std::vector<Bytes> McPackets() {
  auto pcm = Voiced(16000, 320 * kFrames);
  auto amr = AmrWbVocoder::Create();
  if (!amr) std::abort();
  auto client = Srtp(false);
  std::vector<Bytes> packets;
  Bytes coded(33);
  for (size_t i = 0; i < kFrames; ++i) {
    if (!(*amr)->Encode(std::span(pcm).subspan(320 * i, 320), coded)) std::abort();
    srtp::RtpHeader h{.payload_type = 97,
                      .sequence_number = static_cast<uint16_t>(i),
                      .timestamp = static_cast<uint32_t>(320 * i),
                      .ssrc = 9};
    ByteWriter w;
    if (!h.Encode(w)) std::abort();
    w.Append(AmrWbRtpPayload(coded));
    auto p = client->ProtectRtp(std::move(w).Take());
    if (!p) std::abort();
    packets.push_back(std::move(*p));
  }
  return packets;
}

// 10 s of stand-in frames in encrypted LDUs from a radio.
std::vector<P25LduPayload> LmrLdus() {
  auto pcm = Voiced(8000, 160 * kFrames);
  auto lmr = Codec2StandInVocoder::Create();
  if (!lmr) std::abort();
  auto enc = P25VoiceEncryptor::Create(p25::kAlgidAes256, 1, SecretBytes(kTek),
                                       p25::MessageIndicator(0x4321u));
  if (!enc) std::abort();
  std::vector<P25LduPayload> ldus;
  for (size_t l = 0; l + 1 < kFrames / 9; ++l) {
    LduFrames frames{};
    for (size_t f = 0; f < 9; ++f) {
      if (!(*lmr)->Encode(std::span(pcm).subspan(160 * (9 * l + f), 160), frames[f])) std::abort();
    }
    auto p = enc->Seal(frames);
    if (!p) std::abort();
    ldus.push_back(*p);
  }
  return ldus;
}

void BM_GatewayMcToLmr(benchmark::State& state) {
  const std::vector<Bytes> packets = McPackets();
  SecurityGateway gw = Gateway();
  auto call = Call(gw);
  Bytes buf;
  size_t i = 0;
  for (auto _ : state) {
    if (i == kFrames) {  // a new call per 10 s of audio (the receiver's replay list restarts)
      i = 0;
      call = Call(gw);
    }
    buf = packets[i++];
    auto out = call->FromMc(buf);
    if (!out) state.SkipWithError("FromMc failed");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["calls"] = benchmark::Counter(static_cast<double>(state.iterations()) / 50.0,
                                               benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GatewayMcToLmr);

void BM_GatewayLmrToMc(benchmark::State& state) {
  const std::vector<P25LduPayload> ldus = LmrLdus();
  SecurityGateway gw = Gateway();
  auto call = Call(gw);
  size_t i = 0;
  for (auto _ : state) {
    auto out = call->FromLmr(ldus[i]);
    i = (i + 1) % ldus.size();
    if (!out) state.SkipWithError("FromLmr failed");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["calls"] = benchmark::Counter(static_cast<double>(state.iterations()) * 9 / 50.0,
                                               benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GatewayLmrToMc);

void BM_GatewayBidirectional(benchmark::State& state) {
  const std::vector<Bytes> packets = McPackets();
  const std::vector<P25LduPayload> ldus = LmrLdus();
  SecurityGateway gw = Gateway();
  auto call = Call(gw);
  Bytes buf;
  size_t i = 0;
  size_t l = 0;
  for (auto _ : state) {
    if (i + 9 > kFrames) {  // a new call per 10 s of MC audio (the replay list restarts)
      i = 0;
      call = Call(gw);
    }
    for (size_t f = 0; f < 9; ++f) {
      buf = packets[i++];
      auto out = call->FromMc(buf);
      if (!out) state.SkipWithError("FromMc failed");
      benchmark::DoNotOptimize(out);
    }
    auto back = call->FromLmr(ldus[l]);
    l = (l + 1) % ldus.size();
    if (!back) state.SkipWithError("FromLmr failed");
    benchmark::DoNotOptimize(back);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["calls"] = benchmark::Counter(static_cast<double>(state.iterations()) * 18 / 50.0,
                                               benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GatewayBidirectional);

}  // namespace

// The stages, per 20 ms frame, to see where the gateway's time goes.
namespace {

void BM_Stage_AmrWbEncode(benchmark::State& state) {
  auto pcm = Voiced(16000, 320 * 50);
  auto v = kb::media::AmrWbVocoder::Create();
  if (!v) std::abort();
  kb::Bytes out(33);
  size_t i = 0;
  for (auto _ : state) {
    if (!(*v)->Encode(std::span(pcm).subspan(320 * i, 320), out)) state.SkipWithError("enc");
    i = (i + 1) % 50;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Stage_AmrWbEncode);

void BM_Stage_AmrWbDecode(benchmark::State& state) {
  auto pcm = Voiced(16000, 320 * 50);
  auto v = kb::media::AmrWbVocoder::Create();
  if (!v) std::abort();
  std::vector<kb::Bytes> frames(50, kb::Bytes(33));
  for (size_t i = 0; i < 50; ++i) {
    if (!(*v)->Encode(std::span(pcm).subspan(320 * i, 320), frames[i])) std::abort();
  }
  std::vector<int16_t> out(320);
  size_t i = 0;
  for (auto _ : state) {
    if (!(*v)->Decode(frames[i], out)) state.SkipWithError("dec");
    i = (i + 1) % 50;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Stage_AmrWbDecode);

void BM_Stage_Codec2(benchmark::State& state) {
  bool encode = state.range(0) == 0;
  auto pcm = Voiced(8000, 160 * 50);
  auto v = kb::media::Codec2StandInVocoder::Create();
  if (!v) std::abort();
  std::vector<kb::Bytes> frames(50, kb::Bytes(11));
  for (size_t i = 0; i < 50; ++i) {
    if (!(*v)->Encode(std::span(pcm).subspan(160 * i, 160), frames[i])) std::abort();
  }
  std::vector<int16_t> out(160);
  size_t i = 0;
  for (auto _ : state) {
    bool ok = encode ? bool((*v)->Encode(std::span(pcm).subspan(160 * i, 160), frames[i]))
                     : bool((*v)->Decode(frames[i], out));
    if (!ok) state.SkipWithError("codec2");
    i = (i + 1) % 50;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Stage_Codec2)->Arg(0)->Arg(1);  // 0 encode, 1 decode

void BM_Stage_Resample(benchmark::State& state) {
  bool up = state.range(0) == 1;
  auto wide = Voiced(16000, 320);
  auto narrow = Voiced(8000, 160);
  std::vector<int16_t> out_wide(320);
  std::vector<int16_t> out_narrow(160);
  kb::media::HalfbandResampler r;
  for (auto _ : state) {
    bool ok = up ? bool(r.Up(narrow, out_wide)) : bool(r.Down(wide, out_narrow));
    if (!ok) state.SkipWithError("resample");
    benchmark::DoNotOptimize(out_wide.data());
    benchmark::DoNotOptimize(out_narrow.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Stage_Resample)->Arg(0)->Arg(1);  // 0 down, 1 up

}  // namespace
