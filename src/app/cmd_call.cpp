// keybridge call join / keybridge radio talk: the two ends of a group call through the IWF
// (TS 33.180 Annex K.2 LMR end-to-end encryption, Annex L.5 security gateway; docs/calls.md
// "Group calls through the IWF"). `call join` is an MC client joining a group call with SIP
// INVITE (SDP offer/answer with the TS 23.283 10.4.1.2 IEs) and receiving its 33.180 SRTP
// media; `radio talk` is an emulated P25 radio sending LMR-encrypted LDUs to the IWF's LMR leg.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/call_signalling.h"
#include "app/call_talk.h"
#include "app/client_node.h"
#include "app/commands.h"
#include "app/floor_channel.h"
#include "app/group_call_key.h"
#include "app/group_rekey.h"
#include "app/mc_endpoint_config.h"
#include "app/output.h"
#include "app/radio_listen.h"
#include "app/role_config.h"
#include "call/call_offer.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "media/amr_wb_vocoder.h"
#include "media/codec2_standin_vocoder.h"
#include "media/p25_voice_stream.h"
#include "media/rtp_session.h"
#include "media/wav_writer.h"
#include "net/sip_dialog.h"
#include "net/sip_stack.h"

namespace kb::app {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

void LogToStderr() {
  static bool done = false;
  if (done) return;
  done = true;
  spdlog::set_default_logger(spdlog::stderr_color_mt("keybridge"));
}

uint32_t RandomU32() {
  Bytes r = crypto::RandomBytes(4);
  return uint32_t{r[0]} << 24 | uint32_t{r[1]} << 16 | uint32_t{r[2]} << 8 | r[3];
}

// The entry of nodes.<node>.calls.groups for group (an empty node when absent).
YAML::Node GroupEntry(const YAML::Node& calls, const std::string& group) {
  if (calls && calls["groups"] && calls["groups"].IsSequence()) {
    for (const auto& g : calls["groups"]) {
      if (g["group"] && g["group"].as<std::string>() == group) return g;
    }
  }
  return YAML::Node();
}

// ---- call join ----

struct JoinFlags {
  std::string config, node, group, iwf, record, frames_out, tek_file;
  std::string spoof_from;  // test only: another From than our identity (the server refuses it)
  std::string talk_wav, talk_frames_out;  // talk: request the floor, send, release
  double talk_tone = 0, talk_seconds = 0;
  double seconds = 5;
  size_t ldus = 0;  // stop after this many LDUs (E2EE) or LDU-equivalents (9 AMR-WB frames)
};

struct Received {
  uint64_t packets = 0;
  uint64_t ldus = 0;
  uint64_t frames = 0;
  uint64_t undecodable = 0;
  Bytes frame_bytes;         // recovered IMBE codewords (E2EE)
  std::vector<int16_t> pcm;  // decoded audio (WAV)
  std::string first_error;
  std::map<std::string, uint64_t> mki_packets;  // packets per MKI (GMK-ID||GUK-ID)
};

// The floor messages a client received (from the io thread), for the talker to wait on.
struct FloorLog {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<call::FloorMessage> messages;

  void Add(const call::FloorMessage& m) {
    {
      std::lock_guard lock(mu);
      messages.push_back(m);
    }
    cv.notify_all();
  }
  // The first message at index >= from of one of the types, waiting up to `wait`.
  std::optional<call::FloorMessage> WaitFor(size_t from,
                                            std::initializer_list<call::FloorMessageType> types,
                                            std::chrono::milliseconds wait) {
    std::unique_lock lock(mu);
    std::optional<call::FloorMessage> found;
    cv.wait_for(lock, wait, [&] {
      for (size_t i = from; i < messages.size(); ++i) {
        for (auto t : types) {
          if (messages[i].type == t) {
            found = messages[i];
            return true;
          }
        }
      }
      return false;
    });
    return found;
  }
  size_t size() {
    std::lock_guard lock(mu);
    return messages.size();
  }
};

Status RunJoin(const JoinFlags& f) {
  LogToStderr();
  KB_TRY(RoleContext ctx, LoadNodeContext(f.config, f.node));
  YAML::Node calls = ctx.config["calls"];
  if (!calls) return Fail(Error::NotFound("nodes." + f.node + ".calls: missing"));
  KB_TRY(std::string user, Get<std::string>(ctx.config, "user", ""));
  KB_TRY(user, Get<std::string>(ctx.config, "identity", user));
  if (user.empty()) return Fail(Error::InvalidArgument("nodes." + f.node + ": no user"));
  KB_TRY(std::string kms_cert, Get<std::string>(calls, "kms_cert", ""));
  KB_TRY(std::string keys, Get<std::string>(calls, "keys", ""));
  KB_TRY(std::string iwf_uri, Get<std::string>(calls, "iwf_uri", "sip:iwf@example.org"));
  KB_TRY(std::string iwf, Get<std::string>(calls, "iwf", "127.0.0.1:5070"));
  if (!f.iwf.empty()) iwf = f.iwf;
  KB_TRY(auto iwf_hp, ParseHostPort(iwf, "iwf"));
  KB_TRY(std::string media_address, Get<std::string>(calls, "media_address", "127.0.0.1"));
  KB_TRY(uint32_t rekey_switch_ms, Get<uint32_t>(calls, "rekey_switch_ms", 1000));
  KB_TRY(uint32_t gmk_poll_ms, Get<uint32_t>(calls, "gmk_poll_ms", 200));
  const bool talking = !f.talk_wav.empty() || f.talk_tone > 0;
  YAML::Node entry = GroupEntry(calls, f.group);
  if (!entry) {
    return Fail(
        Error::NotFound(fmt::format("nodes.{}.calls.groups: no entry for {}", f.node, f.group)));
  }
  KB_TRY(std::string gmk, Get<std::string>(entry, "gmk", ""));
  KB_TRY(std::string tek_file, Get<std::string>(entry, "tek_file", ""));
  // The configuration's paths are relative to data_dir, the command line's to the working dir.
  std::filesystem::path tek_path =
      f.tek_file.empty() ? (tek_file.empty() ? std::filesystem::path() : ConfigPath(ctx, tek_file))
                         : std::filesystem::path(f.tek_file);

  KB_TRY(GroupCallKey key, OpenGroupCallKey(ConfigPath(ctx, kms_cert), ConfigPath(ctx, keys),
                                            ConfigPath(ctx, gmk), user));
  // LMR-aware when we hold the group's TEK: offer the LMR codec with LMR E2EE.
  std::optional<client::KeyFill> tek;
  if (!tek_path.empty()) {
    KB_TRY(tek, ReadTekFile(tek_path));
  }

  asio::io_context io;
  auto work = asio::make_work_guard(io);
  KB_TRY(auto srtp, GroupSrtpSession(key, {iwf_uri}));
  media::RtpSessionConfig rc;
  rc.name = "call " + f.group;
  rc.local_address = media_address;
  rc.ssrc = RandomU32();
  auto leg = std::make_unique<media::RtpSession>(io, rc, std::move(srtp));
  KB_CHECK(leg->Open());
  // The floor stream (m=application <port> udp MCPTT): floor messages in RTCP APP packets.
  FloorChannel floor(io, "call floor " + f.group);
  KB_CHECK(floor.Open(media_address));
  FloorLog floor_log;

  call::CallMedia offer;
  offer.address = media_address;
  offer.audio_port = leg->local_port();
  if (tek) {
    offer.codecs = {call::Codec::kP25Imbe, call::Codec::kAmrWb};
    offer.lmr_encryption = call::LmrEncryption{call::EncryptionMode::kE2ee, tek->algid, false};
  } else {
    offer.codecs = {call::Codec::kAmrWb};
  }
  offer.floor = call::FloorControlOffer{floor.local_port(), 1, false};
  call::LmrEncryptionPolicy lmr_policy;
  if (tek) lmr_policy.algorithms = {tek->algid};

  // calls.via: direct (the IWF) or mc-server (docs/calls.md "Calls through the MC service server").
  KB_TRY(CallSignalling signalling,
         OpenCallSignalling(ctx, calls, user, media_address, iwf_hp, false));
  net::SipStack* stack = &signalling.stack();
  KB_TRY(auto invite,
         stack->NewRequest("INVITE", f.group, f.group, f.spoof_from.empty() ? user : f.spoof_from));
  KB_CHECK(invite.SetBody("application/sdp", AsBytes(call::BuildSdp(offer, 1).Serialise())));
  auto done = std::make_shared<std::promise<Result<net::SipMessage>>>();
  auto answered = done->get_future();
  stack->SendInvite(std::move(invite), signalling.next_hop, [done](Result<net::SipMessage> r) {
    if (r && r->StatusCode() < 200) return;
    done->set_value(std::move(r));
  });
  if (answered.wait_for(10s) != std::future_status::ready) {
    return Fail(Error::Expired("INVITE " + f.group + ": no final response"));
  }
  KB_TRY(net::SipMessage response, answered.get());
  if (response.StatusCode() != 200) {
    return Fail(Error::Unauthorised(
        fmt::format("INVITE {}: {} {}", f.group, response.StatusCode(), response.ReasonPhrase())));
  }
  net::DialogId dialog = net::ResponseDialogId(response);
  auto bye = [&]() {
    auto b = std::make_shared<std::promise<void>>();
    auto bf = b->get_future();
    stack->SendBye(dialog, [b](Result<net::SipMessage>) { b->set_value(); });
    (void)bf.wait_for(3s);
  };
  KB_TRY(auto answer_sd, call::SessionDescription::Parse(AsString(response.Body())));
  KB_TRY(call::CallMedia answer, call::ReadSdp(answer_sd));
  if (auto st = call::CheckAnswer(offer, answer, lmr_policy); !st) {
    bye();
    return Fail(st.error().Within("the IWF's answer"));
  }
  bool e2ee = answer.lmr_encryption && answer.lmr_encryption->mode == call::EncryptionMode::kE2ee;
  leg->SetRemote(answer.address, answer.audio_port);
  leg->set_payload_type(call::InfoOf(answer.codecs.front()).payload_type);
  KB_TRY(auto floor_remote, FloorChannel::EndpointOf(answer.address, answer.floor->port));
  spdlog::info(
      "call: {} joined {} via {} ({}{}), media {}:{} <- {}:{}", user, f.group,
      signalling.Describe(), call::InfoOf(answer.codecs.front()).encoding,
      e2ee ? fmt::format(", LMR E2EE ALGID 0x{:02x}", *answer.lmr_encryption->algorithm_id) : "",
      media_address, leg->local_port(), answer.address, answer.audio_port);

  Received got;
  std::atomic<uint64_t> units{0};  // LDUs, or AMR-WB frames / 9
  std::unique_ptr<media::P25VoiceDecryptor> decryptor;
  std::unique_ptr<media::Vocoder> decoder;
  if (e2ee) {
    if (!tek) return Fail(Error::Internal("E2EE agreed without a TEK"));
    decryptor = std::make_unique<media::P25VoiceDecryptor>(tek->algid, tek->kid, tek->key.Clone());
    if (!f.record.empty()) {
      KB_TRY(decoder, media::Codec2StandInVocoder::Create());
    }
  } else {
    KB_TRY(decoder, media::AmrWbVocoder::Create());
  }
  auto note = [&](const Error& e) {
    if (got.first_error.empty()) got.first_error = e.ToString();
  };
  leg->Start([&](const media::RtpFrame& frame) {
    ++got.packets;
    if (!frame.mki.empty()) ++got.mki_packets[MkiText(frame.mki)];
    if (e2ee) {
      auto ldu = media::P25LduPayload::Decode(frame.payload);
      if (!ldu) return note(ldu.error());
      auto frames = decryptor->Open(*ldu);
      if (!frames) return note(frames.error());
      ++got.ldus;
      for (const auto& fr : *frames) {
        got.frame_bytes.insert(got.frame_bytes.end(), fr.begin(), fr.end());
        ++got.frames;
        if (decoder) {
          std::vector<int16_t> pcm(decoder->frame_samples());
          if (!decoder->Decode(fr, pcm)) ++got.undecodable;
          got.pcm.insert(got.pcm.end(), pcm.begin(), pcm.end());
        }
      }
      units = got.ldus;
      return;
    }
    auto storage = media::AmrWbStorageFrame(frame.payload);
    if (!storage) return note(storage.error());
    std::vector<int16_t> pcm(decoder->frame_samples());
    if (auto st = decoder->Decode(*storage, pcm); !st) {
      ++got.undecodable;
      return note(st.error());
    }
    got.pcm.insert(got.pcm.end(), pcm.begin(), pcm.end());
    ++got.frames;
    units = got.frames / 9;
  });
  // The talk's payloads are prepared before any thread runs (errors return here).
  std::optional<TalkPlan> plan;
  if (talking) {
    auto pcm = TalkPcm(f.talk_wav, f.talk_tone, f.talk_seconds, e2ee ? 8000 : 16000);
    auto made = pcm ? (e2ee ? PlanE2eeTalk(*pcm, *tek) : PlanAmrWbTalk(*pcm))
                    : Result<TalkPlan>(Fail(pcm.error()));
    if (!made) {
      bye();
      return Fail(made.error());
    }
    plan = std::move(*made);
  }
  floor.Start([&](const call::FloorMessage& m, const FloorChannel::Endpoint&) {
    spdlog::info("call: floor {}: {}", f.group, FloorEventText(m));
    floor_log.Add(m);
  });
  // A new GMK in mid-call (docs/calls.md "Mid-call rekey"): the watcher opens it, the io thread
  // adds its keys (both MKIs accepted from now on) and switches the send key rekey_switch_ms on.
  asio::steady_timer switch_timer(io);
  std::atomic<uint32_t> rekeys{0}, gmk_id_now{key.gmk_id};
  auto watcher = std::make_unique<GmkFileWatcher>(
      ConfigPath(ctx, kms_cert), ConfigPath(ctx, keys), ConfigPath(ctx, gmk), user, key.gmk_id,
      [&](GroupCallKey k) {
        auto nk = std::make_shared<GroupCallKey>(std::move(k));
        asio::post(io, [&, nk] {
          if (auto st = AddGroupKeys(*leg->srtp(), *nk, {iwf_uri}); !st) {
            spdlog::warn("call: new GMK: {}", st.error().message());
            return;
          }
          gmk_id_now = nk->gmk_id;
          spdlog::info("call: {} new GMK-ID {:08x}: both keys accepted, send key switches in {} ms",
                       f.group, nk->gmk_id, rekey_switch_ms);
          switch_timer.expires_after(std::chrono::milliseconds(rekey_switch_ms));
          switch_timer.async_wait([&, nk](const boost::system::error_code& ec) {
            if (ec) return;
            if (auto st = SelectGroupSendKey(*leg->srtp(), *nk); !st) {
              spdlog::warn("call: send key: {}", st.error().message());
              return;
            }
            ++rekeys;
            spdlog::info("call: {} sends with MKI {:08x}{:08x}", f.group, nk->gmk_id, nk->guk_id);
          });
        });
      },
      gmk_poll_ms);
  std::thread media_thread([&io] { io.run(); });

  // Talk: Floor Request (repeated while unanswered: UDP), on Granted the audio paced in real
  // time, then Floor Release until Floor Idle.
  nlohmann::json talk_json;
  if (talking) {
    auto send_floor = [&](call::FloorMessageType type) {
      call::FloorMessage m;
      m.type = type;
      m.ssrc = rc.ssrc;
      m.user_id = user;
      if (type == call::FloorMessageType::kRequest) m.priority = 1;
      asio::post(io, [&floor, m, floor_remote] {
        if (auto st = floor.Send(m, floor_remote); !st)
          spdlog::warn("call: {}", st.error().message());
      });
    };
    using T = call::FloorMessageType;
    std::optional<call::FloorMessage> reply;
    size_t mark = floor_log.size();
    for (int i = 0; i < 6 && !reply; ++i) {
      send_floor(T::kRequest);
      reply = floor_log.WaitFor(mark, {T::kGranted, T::kDeny}, 500ms);
    }
    std::atomic<uint64_t> sent{0}, send_errors{0};
    if (reply && reply->type == T::kGranted) {
      spdlog::info("call: {} floor granted; talking {} packets", f.group, plan->payloads.size());
      uint32_t ts = RandomU32();
      auto next = std::chrono::steady_clock::now();
      for (size_t i = 0; i < plan->payloads.size(); ++i) {
        asio::post(io, [&, i, ts] {
          if (leg->Send(plan->payloads[i], ts, i == 0)) {
            ++sent;
          } else {
            ++send_errors;
          }
        });
        ts += plan->timestamp_step;
        next += plan->interval;
        std::this_thread::sleep_until(next);
      }
      std::optional<call::FloorMessage> idle;
      mark = floor_log.size();
      for (int i = 0; i < 6 && !idle; ++i) {
        send_floor(T::kRelease);
        idle = floor_log.WaitFor(mark, {T::kIdle}, 500ms);
      }
      talk_json = {{"result", "granted"},
                   {"packets_sent", sent.load()},
                   {"send_errors", send_errors.load()},
                   {"released", idle.has_value()}};
      if (e2ee)
        talk_json["ldus_sent"] = plan->payloads.size();
      else
        talk_json["frames_sent"] = plan->payloads.size();
    } else if (reply) {
      talk_json = {{"result", "denied"}, {"reason", reply->reject_phrase}};
    } else {
      talk_json = {{"result", "no answer"}};
    }
  } else {
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(static_cast<int64_t>(f.seconds * 1000));
    while (std::chrono::steady_clock::now() < until && (f.ldus == 0 || units.load() < f.ldus)) {
      std::this_thread::sleep_for(20ms);
    }
  }
  watcher.reset();
  bye();
  asio::post(io, [&] {
    leg->Close();
    floor.Close();
    switch_timer.cancel();
  });
  work.reset();
  io.stop();
  media_thread.join();
  uint64_t rejected = leg->counters().rejected;

  if (!f.frames_out.empty()) {
    KB_CHECK(WriteBinaryFile(f.frames_out, got.frame_bytes));
  }
  if (plan && !f.talk_frames_out.empty()) {
    KB_CHECK(WriteBinaryFile(f.talk_frames_out, plan->clear_frames));
  }
  uint32_t rate = decoder ? decoder->sample_rate() : 8000;
  if (!f.record.empty()) KB_CHECK(media::WriteWav(f.record, got.pcm, rate));
  nlohmann::json summary = {{"group", f.group},
                            {"user", user},
                            {"codec", std::string(call::InfoOf(answer.codecs.front()).encoding)},
                            {"lmr_e2ee", e2ee},
                            {"packets", got.packets},
                            {"srtp_rejected", rejected},
                            {"ldus", got.ldus},
                            {"frames", got.frames},
                            {"undecodable_frames", got.undecodable},
                            {"audio_seconds", static_cast<double>(got.pcm.size()) / rate},
                            {"gmk_id", fmt::format("{:08x}", key.gmk_id)},
                            {"guk_id", fmt::format("{:08x}", key.guk_id)},
                            {"iwf_guk_id", fmt::format("{:08x}", GukIdOf(key, iwf_uri))}};
  if (!got.first_error.empty()) summary["first_error"] = got.first_error;
  nlohmann::json floor_events = nlohmann::json::array();
  for (const auto& m : floor_log.messages) floor_events.push_back(FloorEventText(m));
  summary["floor"] = floor_events;
  if (talking) summary["talk"] = talk_json;
  summary["mki_packets"] = got.mki_packets;
  summary["rekeys"] = rekeys.load();
  summary["gmk_id_now"] = fmt::format("{:08x}", gmk_id_now.load());
  std::printf("%s\n", summary.dump().c_str());
  return Ok();
}

// ---- radio talk ----

struct TalkFlags {
  std::string config, node, group, to, tek_file, frames_out, iwf_node = "iwf", first_mi;
  std::string record_input;  // --tone: the 8 kHz PCM sent, as a WAV
  size_t ldus = 10;
  uint32_t interval_ms = 180;
  uint64_t seed = 1;
  double tone = 0;  // Hz; 0 = synthetic pseudo-random codewords
};

// The IWF's LMR leg for a group from the configuration (nodes.<iwf>.calls).
Result<std::pair<std::string, uint16_t>> LmrLegOf(const YAML::Node& root, const TalkFlags& f) {
  YAML::Node calls = root["nodes"][f.iwf_node]["calls"];
  YAML::Node entry = GroupEntry(calls, f.group);
  if (!entry || !entry["lmr_port"]) {
    return Fail(Error::NotFound(fmt::format(
        "nodes.{}.calls.groups: no lmr_port for {} (or give --to)", f.iwf_node, f.group)));
  }
  KB_TRY(std::string address, Get<std::string>(calls, "media_address", "127.0.0.1"));
  KB_TRY(uint16_t port, Get<uint16_t>(entry, "lmr_port", 0));
  return std::make_pair(address, port);
}

Status RunTalk(const TalkFlags& f) {
  LogToStderr();
  std::string tek_file = f.tek_file;
  std::pair<std::string, uint16_t> to;
  if (!f.to.empty()) {
    KB_TRY(to, ParseHostPort(f.to, "--to"));
  }
  if (!f.config.empty()) {
    KB_TRY(RoleContext ctx, LoadNodeContext(f.config, f.node.empty() ? f.iwf_node : f.node));
    if (f.to.empty()) {
      KB_TRY(to, LmrLegOf(ctx.root, f));
    }
    if (tek_file.empty() && !f.node.empty()) {
      KB_TRY(tek_file, Get<std::string>(GroupEntry(ctx.config["calls"], f.group), "tek_file", ""));
    }
    if (!tek_file.empty() && f.tek_file.empty()) tek_file = ConfigPath(ctx, tek_file).string();
  }
  if (to.second == 0) return Fail(Error::InvalidArgument("--to or --config with the IWF's calls"));
  if (tek_file.empty()) return Fail(Error::InvalidArgument("--tek-file is required"));
  KB_TRY(client::KeyFill tek, ReadTekFile(tek_file));

  p25::MessageIndicator mi;
  if (f.first_mi.empty()) {
    Bytes r = crypto::RandomBytes(p25::MessageIndicator::kSize);
    r[0] |= 1;  // never all zero
    KB_TRY(mi, p25::MessageIndicator::Parse(r));
  } else {
    KB_TRY(Bytes raw, FromHex(f.first_mi, "--first-mi"));
    KB_TRY(mi, p25::MessageIndicator::Parse(raw));
  }
  KB_TRY(auto encryptor, media::P25VoiceEncryptor::Create(tek.algid, tek.kid, tek.key.Clone(), mi));

  asio::io_context io;
  media::RtpSessionConfig rc;
  rc.name = "radio " + f.node;
  rc.ssrc = RandomU32();
  rc.payload_type = call::InfoOf(call::Codec::kP25Imbe).payload_type;
  rc.first_sequence_number = static_cast<uint16_t>(RandomU32());
  media::RtpSession leg(io, rc, nullptr);
  KB_CHECK(leg.Open());
  leg.SetRemote(to.first, to.second);

  media::SyntheticImbeSource synthetic(f.seed);
  std::unique_ptr<media::Vocoder> codec;
  if (f.tone > 0) {
    KB_TRY(codec, media::Codec2StandInVocoder::Create());
  }
  Bytes sent_frames;
  std::vector<int16_t> sent_pcm;  // for --record-input
  uint32_t timestamp = RandomU32();
  size_t sample = 0;
  spdlog::info("radio: talking on {} to {}:{}: {} LDUs, ALGID 0x{:02x} KID 0x{:04x}, {}", f.group,
               to.first, to.second, f.ldus, tek.algid, tek.kid,
               codec ? fmt::format("{} Hz tone through {}", f.tone, codec->name())
                     : std::string("synthetic 88-bit codewords"));
  auto next = std::chrono::steady_clock::now();
  for (size_t i = 0; i < f.ldus; ++i) {
    media::LduFrames frames{};
    if (codec) {
      std::vector<int16_t> pcm(codec->frame_samples());
      for (auto& fr : frames) {
        for (auto& s : pcm) {
          s = static_cast<int16_t>(
              8000.0 * std::sin(2.0 * M_PI * f.tone * static_cast<double>(sample++) / 8000.0));
        }
        KB_CHECK(codec->Encode(pcm, fr));
        if (!f.record_input.empty()) sent_pcm.insert(sent_pcm.end(), pcm.begin(), pcm.end());
      }
    } else {
      frames = synthetic.NextLdu();
    }
    for (const auto& fr : frames) sent_frames.insert(sent_frames.end(), fr.begin(), fr.end());
    KB_TRY(media::P25LduPayload payload, encryptor.Seal(frames));
    KB_CHECK(leg.Send(payload.Encode(), timestamp, i == 0));
    timestamp += media::kP25LduTimestampStep;
    next += std::chrono::milliseconds(f.interval_ms);
    std::this_thread::sleep_until(next);
  }
  if (!f.frames_out.empty()) {
    KB_CHECK(WriteBinaryFile(f.frames_out, sent_frames));
  }
  if (!f.record_input.empty()) {
    if (!codec) return Fail(Error::InvalidArgument("radio talk: --record-input needs --tone"));
    KB_CHECK(media::WriteWav(f.record_input, sent_pcm, codec->sample_rate()));
  }
  std::printf("%s\n", nlohmann::json({{"group", f.group},
                                      {"ldus", f.ldus},
                                      {"frames", sent_frames.size() / p25::kImbeFrameSize},
                                      {"packets", leg.counters().sent}})
                          .dump()
                          .c_str());
  return Ok();
}

}  // namespace

// cmd_private_call.cpp: call answer, radio call.
void RegisterPrivateCallCommands(CLI::App& call, CLI::App& radio);

void RegisterCallCommands(CLI::App& app) {
  auto* call = app.add_subcommand("call", "group calls through the IWF (docs/calls.md)");
  call->require_subcommand(1);
  static JoinFlags j;
  auto* join = call->add_subcommand(
      "join", "join a group call at the IWF (SIP INVITE), receive its SRTP media; prints JSON");
  join->add_option("--config", j.config, "configuration file")->required();
  join->add_option("--node", j.node, "the MC client node (nodes.<node>.user and .calls)")
      ->required();
  join->add_option("--group", j.group, "MC group ID, e.g. sip:fire@example.org")->required();
  join->add_option("--iwf", j.iwf, "the IWF's SIP address host:port (default: calls.iwf)");
  join->add_option("--tek-file", j.tek_file,
                   "the group's TEK (key-fill file): makes the client LMR-aware (offers LMR E2EE)");
  join->add_option("--seconds", j.seconds, "how long to listen")->capture_default_str();
  join->add_option("--ldus", j.ldus, "leave after this many LDUs (0: listen --seconds)");
  join->add_option("--record", j.record, "WAV of what was heard");
  join->add_option("--frames-out", j.frames_out, "E2EE: the recovered IMBE codewords (raw)");
  join->add_option("--spoof-from", j.spoof_from, "test only: INVITE with this From")->group("");
  join->add_option("--talk-wav", j.talk_wav,
                   "talk: request the floor, send this WAV (16-bit mono, 8 or 16 kHz), release");
  join->add_option("--talk-tone", j.talk_tone, "talk a sine of this many Hz instead of a WAV");
  join->add_option("--talk-seconds", j.talk_seconds, "length of --talk-tone");
  join->add_option("--talk-frames-out", j.talk_frames_out,
                   "E2EE talk: the clear IMBE (stand-in) codewords sent (raw)");
  join->callback([] { ExitCode() = Report(RunJoin(j)); });

  auto* radio = app.add_subcommand("radio", "emulated P25 radio tools");
  radio->require_subcommand(1);
  static TalkFlags t;
  auto* talk = radio->add_subcommand(
      "talk", "send LMR-encrypted P25 LDUs (RTP) to the IWF's LMR leg of a group; prints JSON");
  talk->add_option("--config", t.config, "configuration file (finds the IWF's LMR leg)");
  talk->add_option("--node", t.node, "the radio's node (calls.groups[].tek_file)");
  talk->add_option("--iwf-node", t.iwf_node, "the IWF node")->capture_default_str();
  talk->add_option("--group", t.group, "MC group ID")->required();
  talk->add_option("--to", t.to, "host:port of the IWF's LMR leg (default: from --config)");
  talk->add_option("--tek-file", t.tek_file, "the group's TEK (key-fill file, keyset != 0xFF)");
  talk->add_option("--ldus", t.ldus, "LDUs to send (180 ms each)")->capture_default_str();
  talk->add_option("--interval-ms", t.interval_ms, "pace")->capture_default_str();
  talk->add_option("--seed", t.seed, "synthetic codeword seed")->capture_default_str();
  talk->add_option("--tone", t.tone, "Hz: a sine through the Codec2 stand-in instead");
  talk->add_option("--first-mi", t.first_mi, "the first MI (18 hex digits; default random)");
  talk->add_option("--frames-out", t.frames_out, "the clear IMBE codewords sent (raw)");
  talk->add_option("--record-input", t.record_input,
                   "with --tone: the 8 kHz audio fed to the codec, as a WAV file");
  talk->callback([] { ExitCode() = Report(RunTalk(t)); });
  RegisterPrivateCallCommands(*call, *radio);
  RegisterRadioListen(*radio);
}

}  // namespace kb::app
