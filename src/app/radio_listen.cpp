// keybridge radio listen: the LMR side of a group call hearing MC talkers through the IWF
// (TIA-102.AAAD decryption of P25 LDU payloads; docs/calls.md "Talking to the LMR side").
#include "app/radio_listen.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/client_node.h"
#include "app/commands.h"
#include "app/group_call_key.h"
#include "app/mc_endpoint_config.h"
#include "app/output.h"
#include "app/role_config.h"
#include "crypto/random.h"
#include "media/codec2_standin_vocoder.h"
#include "media/p25_voice_stream.h"
#include "media/rtp_session.h"
#include "media/wav_writer.h"

namespace kb::app {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct ListenFlags {
  std::string config, iwf_node = "iwf", group, listen, tek_file, record, frames_out;
  double seconds = 10;
  double idle_seconds = 0;
  size_t ldus = 0;
};

// nodes.<iwf>.calls.groups[group].lmr_remote: where the IWF sends the group's LMR side.
Result<std::pair<std::string, uint16_t>> LmrRemoteOf(const YAML::Node& root, const ListenFlags& f) {
  YAML::Node calls = root["nodes"][f.iwf_node]["calls"];
  if (calls && calls["groups"] && calls["groups"].IsSequence()) {
    for (const auto& g : calls["groups"]) {
      if (g["group"] && g["group"].as<std::string>() == f.group && g["lmr_remote"]) {
        KB_TRY(std::string remote, Get<std::string>(g, "lmr_remote", ""));
        return ParseHostPort(remote, "lmr_remote");
      }
    }
  }
  return Fail(Error::NotFound(fmt::format(
      "nodes.{}.calls.groups: no lmr_remote for {} (or give --listen)", f.iwf_node, f.group)));
}

Status RunListen(const ListenFlags& f) {
  if (!spdlog::get("keybridge")) {
    spdlog::set_default_logger(spdlog::stderr_color_mt("keybridge"));
  }
  std::pair<std::string, uint16_t> at;
  if (!f.listen.empty()) {
    KB_TRY(at, ParseHostPort(f.listen, "--listen"));
  } else {
    if (f.config.empty()) return Fail(Error::InvalidArgument("--listen or --config"));
    KB_TRY(RoleContext ctx, LoadNodeContext(f.config, f.iwf_node));
    KB_TRY(at, LmrRemoteOf(ctx.root, f));
  }
  KB_TRY(client::KeyFill tek, ReadTekFile(f.tek_file));
  media::P25VoiceDecryptor decryptor(tek.algid, tek.kid, tek.key.Clone());
  KB_TRY(auto decoder, media::Codec2StandInVocoder::Create());

  asio::io_context io;
  media::RtpSessionConfig rc;
  rc.name = "radio listen " + f.group;
  rc.local_address = at.first;
  rc.local_port = at.second;
  media::RtpSession leg(io, rc, nullptr);
  KB_CHECK(leg.Open());

  uint64_t packets = 0, ldus = 0, errors = 0, undecodable = 0;
  Bytes frame_bytes;
  std::vector<int16_t> pcm;
  std::string first_error;
  std::atomic<uint64_t> done_ldus{0};
  std::atomic<int64_t> last_packet_ms{0};
  auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  leg.Start([&](const media::RtpFrame& frame) {
    ++packets;
    last_packet_ms = now_ms();
    auto note = [&](const Error& e) {
      ++errors;
      if (first_error.empty()) first_error = e.ToString();
    };
    auto ldu = media::P25LduPayload::Decode(frame.payload);
    if (!ldu) return note(ldu.error());
    auto frames = decryptor.Open(*ldu);
    if (!frames) return note(frames.error());
    for (const auto& fr : *frames) {
      frame_bytes.insert(frame_bytes.end(), fr.begin(), fr.end());
      std::vector<int16_t> out(decoder->frame_samples());
      if (!decoder->Decode(fr, out)) ++undecodable;
      pcm.insert(pcm.end(), out.begin(), out.end());
    }
    done_ldus = ++ldus;
  });
  spdlog::info("radio: listening on {} at {}:{} (LMR leg), ALGID 0x{:02x} KID 0x{:04x}", f.group,
               at.first, at.second, tek.algid, tek.kid);
  std::thread media_thread([&io] { io.run(); });
  auto until = std::chrono::steady_clock::now() +
               std::chrono::milliseconds(static_cast<int64_t>(f.seconds * 1000));
  auto idle_ms = static_cast<int64_t>(f.idle_seconds * 1000);
  while (std::chrono::steady_clock::now() < until && (f.ldus == 0 || done_ldus.load() < f.ldus)) {
    if (idle_ms > 0 && last_packet_ms.load() != 0 && now_ms() - last_packet_ms.load() > idle_ms) {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  asio::post(io, [&] { leg.Close(); });
  io.stop();
  media_thread.join();

  if (!f.frames_out.empty()) {
    KB_CHECK(WriteBinaryFile(f.frames_out, frame_bytes));
  }
  if (!f.record.empty()) KB_CHECK(media::WriteWav(f.record, pcm, decoder->sample_rate()));
  nlohmann::json summary = {
      {"group", f.group},
      {"packets", packets},
      {"ldus", ldus},
      {"frames", frame_bytes.size() / p25::kImbeFrameSize},
      {"errors", errors},
      {"undecodable_frames", undecodable},
      {"audio_seconds", static_cast<double>(pcm.size()) / decoder->sample_rate()}};
  if (!first_error.empty()) summary["first_error"] = first_error;
  std::printf("%s\n", summary.dump().c_str());
  return Ok();
}

}  // namespace

void RegisterRadioListen(CLI::App& radio) {
  static ListenFlags f;
  auto* listen = radio.add_subcommand(
      "listen",
      "receive a group's LDUs on the IWF's LMR leg (lmr_remote), decrypt with the TEK; JSON");
  listen->add_option("--config", f.config, "configuration file (finds the group's lmr_remote)");
  listen->add_option("--iwf-node", f.iwf_node, "the IWF node")->capture_default_str();
  listen->add_option("--group", f.group, "MC group ID")->required();
  listen->add_option("--listen", f.listen, "host:port to receive on (default: lmr_remote)");
  listen->add_option("--tek-file", f.tek_file, "the group's TEK (key-fill file)")->required();
  listen->add_option("--seconds", f.seconds, "listen at most this long")->capture_default_str();
  listen->add_option("--idle-seconds", f.idle_seconds,
                     "leave this long after the last packet (0: off)");
  listen->add_option("--ldus", f.ldus, "leave after this many LDUs (0: --seconds)");
  listen->add_option("--record", f.record, "WAV (8 kHz, Codec2 stand-in decode) of what was heard");
  listen->add_option("--frames-out", f.frames_out, "the decrypted IMBE codewords (raw)");
  listen->callback([] { ExitCode() = Report(RunListen(f)); });
}

}  // namespace kb::app
