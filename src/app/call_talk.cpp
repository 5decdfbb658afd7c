// TS 33.180 Annex K.2 / L.5 (MC -> LMR): the MC client's talk payloads (LMR E2EE or AMR-WB).
#include "app/call_talk.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "crypto/random.h"
#include "media/amr_wb_vocoder.h"
#include "media/codec2_standin_vocoder.h"
#include "media/p25_voice_stream.h"
#include "media/resampler.h"
#include "media/wav_reader.h"

namespace kb::app {

Result<std::vector<int16_t>> TalkPcm(const std::string& wav, double tone_hz, double seconds,
                                     uint32_t rate) {
  std::vector<int16_t> pcm;
  if (!wav.empty()) {
    KB_TRY(media::WavAudio audio, media::ReadWav(wav));
    if (audio.sample_rate == rate) return std::move(audio.samples);
    media::HalfbandResampler r;
    constexpr size_t kBlock = 320;  // even, so both directions keep whole sample pairs
    auto& in = audio.samples;
    if (audio.sample_rate == 2 * rate) {
      in.resize((in.size() + 1) / 2 * 2);
      pcm.resize(in.size() / 2);
      for (size_t i = 0; i < in.size(); i += kBlock) {
        size_t n = std::min(kBlock, in.size() - i);
        KB_CHECK(r.Down(std::span<const int16_t>(in).subspan(i, n),
                        std::span<int16_t>(pcm).subspan(i / 2, n / 2)));
      }
      return pcm;
    }
    if (2 * audio.sample_rate == rate) {
      pcm.resize(in.size() * 2);
      for (size_t i = 0; i < in.size(); i += kBlock) {
        size_t n = std::min(kBlock, in.size() - i);
        KB_CHECK(r.Up(std::span<const int16_t>(in).subspan(i, n),
                      std::span<int16_t>(pcm).subspan(2 * i, 2 * n)));
      }
      return pcm;
    }
    return Fail(Error::Unsupported(fmt::format(
        "{}: {} Hz; the talk needs {} Hz (or twice / half of it)", wav, audio.sample_rate, rate)));
  }
  if (tone_hz <= 0 || seconds <= 0) {
    return Fail(Error::InvalidArgument("talk: --talk-wav or --talk-tone with --talk-seconds"));
  }
  pcm.resize(static_cast<size_t>(seconds * rate));
  for (size_t i = 0; i < pcm.size(); ++i) {
    pcm[i] = static_cast<int16_t>(8000.0 *
                                  std::sin(2.0 * M_PI * tone_hz * static_cast<double>(i) / rate));
  }
  return pcm;
}

Result<TalkPlan> PlanE2eeTalk(const std::vector<int16_t>& pcm8k, const client::KeyFill& tek) {
  Bytes r = crypto::RandomBytes(p25::MessageIndicator::kSize);
  r[0] |= 1;  // never all zero
  KB_TRY(p25::MessageIndicator mi, p25::MessageIndicator::Parse(r));
  KB_TRY(auto encryptor, media::P25VoiceEncryptor::Create(tek.algid, tek.kid, tek.key.Clone(), mi));
  KB_TRY(auto codec, media::Codec2StandInVocoder::Create());
  const size_t n = codec->frame_samples();
  const size_t per_ldu = n * p25::kImbeFramesPerLdu;
  TalkPlan plan;
  plan.timestamp_step = media::kP25LduTimestampStep;
  plan.interval = std::chrono::milliseconds(180);
  std::vector<int16_t> frame(n);
  for (size_t at = 0; at < pcm8k.size(); at += per_ldu) {
    media::LduFrames frames{};
    for (size_t k = 0; k < frames.size(); ++k) {
      size_t from = at + k * n;
      std::fill(frame.begin(), frame.end(), int16_t{0});
      if (from < pcm8k.size()) {
        std::copy_n(pcm8k.begin() + static_cast<std::ptrdiff_t>(from),
                    std::min(n, pcm8k.size() - from), frame.begin());
      }
      KB_CHECK(codec->Encode(frame, frames[k]));
      plan.clear_frames.insert(plan.clear_frames.end(), frames[k].begin(), frames[k].end());
    }
    KB_TRY(media::P25LduPayload ldu, encryptor.Seal(frames));
    plan.payloads.push_back(ldu.Encode());
  }
  return plan;
}

Result<TalkPlan> PlanAmrWbTalk(const std::vector<int16_t>& pcm16k) {
  KB_TRY(auto codec, media::AmrWbVocoder::Create());
  const size_t n = codec->frame_samples();
  TalkPlan plan;
  plan.timestamp_step = static_cast<uint32_t>(n);
  plan.interval = std::chrono::milliseconds(20);
  std::vector<int16_t> frame(n);
  Bytes coded(codec->frame_size());
  for (size_t at = 0; at < pcm16k.size(); at += n) {
    std::fill(frame.begin(), frame.end(), int16_t{0});
    std::copy_n(pcm16k.begin() + static_cast<std::ptrdiff_t>(at), std::min(n, pcm16k.size() - at),
                frame.begin());
    KB_CHECK(codec->Encode(frame, coded));
    plan.payloads.push_back(media::AmrWbRtpPayload(coded));
  }
  return plan;
}

}  // namespace kb::app
