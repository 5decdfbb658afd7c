// TS 33.180 Annex K.2 / L.5 and TS 23.283 10.4.1.2: group calls through the IWF (the `calls:`
// section of the iwf node): LMR legs, MC legs per joined client, relay or security gateway.
#include "app/iwf_calls.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <thread>

#include "app/floor_channel.h"
#include "app/group_call_key.h"
#include "app/group_rekey.h"
#include "app/mc_endpoint_config.h"
#include "app/role_config.h"
#include "call/call_offer.h"
#include "call/group_floor.h"
#include "crypto/random.h"
#include "media/rtp_session.h"
#include "media/security_gateway.h"
#include "media/voice_relay.h"

namespace kb::app {
namespace {

namespace asio = boost::asio;

enum class GroupMode { kE2ee, kGateway };

uint32_t RandomU32() {
  Bytes r = crypto::RandomBytes(4);
  return uint32_t{r[0]} << 24 | uint32_t{r[1]} << 16 | uint32_t{r[2]} << 8 | r[3];
}

// One MC client in a group call.
struct Call {
  std::string call_id;
  std::string peer;  // the client's MC ID (From of the INVITE)
  std::unique_ptr<media::RtpSession> mc_leg;
  std::unique_ptr<media::VoiceRelay> relay;            // E2EE (P25-IMBE end to end)
  std::unique_ptr<media::GatewayCall> gateway;         // transcoded (AMR-WB to the client)
  std::optional<FloorChannel::Endpoint> floor_remote;  // the client's floor stream, if offered

  srtp::Session* Srtp() { return gateway ? &gateway->mc_srtp() : mc_leg->srtp(); }
};

struct Group {
  std::string id;
  GroupMode mode = GroupMode::kE2ee;
  GroupCallKey key;
  uint8_t algid = 0x84;
  uint16_t kid = 0;
  bool has_lmr_remote = false;  // lmr_remote configured: MC -> LMR is forwarded
  std::unique_ptr<media::RtpSession> lmr_leg;
  std::map<std::string, Call> calls;  // by Call-ID; io thread only
  // Floor control (docs/calls.md "Floor control in group calls"): io thread only.
  std::unique_ptr<call::GroupFloor> floor;
  std::unique_ptr<FloorChannel> floor_channel;
  std::unique_ptr<asio::steady_timer> hang_timer;    // the LMR leg's silence
  std::unique_ptr<asio::steady_timer> switch_timer;  // a new GMK becoming the send key
  uint32_t lmr_timestamp = 0;                        // MC -> LMR LDUs of the gateway
  std::string gmk_path;                              // watched for a new GMK
  std::unique_ptr<GmkFileWatcher> watcher;
  std::atomic<uint64_t> lmr_packets{0}, to_mc_packets{0}, calls_total{0}, refused{0},
      gateway_errors{0}, to_lmr_packets{0}, floor_dropped{0}, rekeys{0};
  std::atomic<uint32_t> gmk_id{0};
  std::atomic<size_t> calls_active{0};
};

}  // namespace

struct IwfCalls::Impl {
  std::string iwf_uri;
  std::string media_address = "127.0.0.1";
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread;
  std::vector<std::unique_ptr<Group>> groups;
  media::SecurityGateway gateway;  // TEKs of the terminated groups only
  net::SipStack* stack = nullptr;
  uint32_t floor_hang_ms = 800;
  uint32_t rekey_switch_ms = 1000;

  Group* Find(const std::string& id) {
    for (auto& g : groups)
      if (g->id == id) return g.get();
    return nullptr;
  }

  void OnLmrFrame(Group& g, const media::RtpFrame& frame);
  void OnMcFrame(Group& g, Call& c, const media::RtpFrame& frame);
  void OnFloorMessage(Group& g, const call::FloorMessage& m, const FloorChannel::Endpoint& from);
  void SendFloor(Group& g, const std::vector<call::FloorSend>& sends);
  void OnNewKey(Group& g, GroupCallKey key);
  void OnInvite(const std::shared_ptr<net::IncomingRequest>& in);
  void OnDialog(const net::DialogEvent& e);
};

void IwfCalls::Impl::SendFloor(Group& g, const std::vector<call::FloorSend>& sends) {
  for (const auto& s : sends) {
    for (auto& [id, c] : g.calls) {
      if (c.peer != s.to || !c.floor_remote) continue;
      if (auto st = g.floor_channel->Send(s.message, *c.floor_remote); !st) {
        spdlog::warn("IWF floor {}: to {}: {}", g.id, s.to, st.error().message());
      }
    }
    spdlog::info("IWF floor {}: -> {}: {}", g.id, s.to, FloorEventText(s.message));
  }
}

void IwfCalls::Impl::OnFloorMessage(Group& g, const call::FloorMessage& m,
                                    const FloorChannel::Endpoint& from) {
  // The participant is the call whose offered floor stream the packet comes from.
  for (auto& [id, c] : g.calls) {
    if (!c.floor_remote || *c.floor_remote != from) continue;
    spdlog::info("IWF floor {}: <- {}: {}", g.id, c.peer, FloorEventText(m));
    return SendFloor(g, g.floor->OnMessage(c.peer, m));
  }
  spdlog::info("IWF floor {}: {} from {}:{} (no call there) ignored", g.id, FloorEventText(m),
               from.address().to_string(), from.port());
}

void IwfCalls::Impl::OnMcFrame(Group& g, Call& c, const media::RtpFrame& frame) {
  // One talker at a time: only the floor holder's voice goes to the LMR side.
  if (!g.floor->MayTalk(c.peer)) {
    if (g.floor_dropped++ % 100 == 0) {
      spdlog::info("IWF call {}: voice from {} without the floor dropped ({} so far)", g.id, c.peer,
                   g.floor_dropped.load());
    }
    return;
  }
  if (c.relay) {
    // E2EE: the LMR-encrypted payload passes unread, to lmr_remote when configured.
    if (!g.has_lmr_remote) return;
    c.relay->ForwardMcToLmr(frame);
    ++g.to_lmr_packets;
    return;
  }
  if (!c.gateway || !g.has_lmr_remote) return;
  // Gateway: SRTP off, AMR-WB -> Codec2 stand-in, TEK on; one LDU per 9 frames.
  Bytes packet(frame.packet.begin(), frame.packet.end());
  auto ldu = c.gateway->FromMc(packet);
  if (!ldu) {
    if (g.gateway_errors++ % 100 == 0) {
      spdlog::warn("IWF gateway {} <- {}: frame not transcoded: {}", g.id, c.peer,
                   ldu.error().message());
    }
    return;
  }
  if (!*ldu) return;
  bool first = g.to_lmr_packets == 0;
  if (auto st = g.lmr_leg->Send((*ldu)->Encode(), g.lmr_timestamp, first); !st) {
    spdlog::warn("IWF gateway {}: LDU to the LMR side: {}", g.id, st.error().message());
    return;
  }
  g.lmr_timestamp += media::kP25LduTimestampStep;
  ++g.to_lmr_packets;
}

void IwfCalls::Impl::OnNewKey(Group& g, GroupCallKey key) {
  // Receivers first: the new keys join the old ones in every call's session; the send key
  // switches after rekey_switch_ms, when the members have had time to add theirs.
  uint32_t old_id = g.key.gmk_id;
  for (auto& [id, c] : g.calls) {
    if (auto st = AddGroupKeys(*c.Srtp(), key, {c.peer}); !st) {
      spdlog::warn("IWF call {}: new GMK for {}: {}", g.id, c.peer, st.error().message());
    }
  }
  g.key = std::move(key);
  g.gmk_id = g.key.gmk_id;
  spdlog::info(
      "IWF calls: group {} rekeyed: GMK-ID {:08x} -> {:08x} (GUK-ID {:08x}); both accepted, send "
      "key switches in {} ms",
      g.id, old_id, g.key.gmk_id, g.key.guk_id, rekey_switch_ms);
  g.switch_timer->expires_after(std::chrono::milliseconds(rekey_switch_ms));
  g.switch_timer->async_wait([this, gp = &g](const boost::system::error_code& ec) {
    if (ec) return;
    size_t n = 0;
    for (auto& [id, c] : gp->calls) {
      if (auto st = SelectGroupSendKey(*c.Srtp(), gp->key); st) {
        ++n;
      } else {
        spdlog::warn("IWF call {}: send key for {}: {}", gp->id, c.peer, st.error().message());
      }
    }
    ++gp->rekeys;
    spdlog::info(
        "IWF calls: group {} sends with MKI {:08x}{:08x} (new GMK-ID || GUK-ID) on {} calls",
        gp->id, gp->key.gmk_id, gp->key.guk_id, n);
  });
}

void IwfCalls::Impl::OnLmrFrame(Group& g, const media::RtpFrame& frame) {
  ++g.lmr_packets;
  // The radio talks: the LMR side takes an idle floor; silence for floor_hang_ms frees it.
  SendFloor(g, g.floor->OnLmrVoice());
  g.hang_timer->expires_after(std::chrono::milliseconds(floor_hang_ms));
  g.hang_timer->async_wait([this, gp = &g](const boost::system::error_code& ec) {
    if (!ec) SendFloor(*gp, gp->floor->OnLmrSilence());
  });
  std::optional<media::P25LduPayload> ldu;  // decoded once, for the gateway calls
  for (auto& [id, c] : g.calls) {
    if (c.relay) {
      c.relay->ForwardLmrToMc(frame);
      ++g.to_mc_packets;
      continue;
    }
    if (!c.gateway) continue;
    if (!ldu) {
      auto d = media::P25LduPayload::Decode(frame.payload);
      if (!d) {
        ++g.gateway_errors;
        spdlog::warn("IWF call {}: LMR packet SEQ {} not an LDU payload: {}", g.id,
                     frame.header.sequence_number, d.error().message());
        return;
      }
      ldu = std::move(*d);
    }
    auto packets = c.gateway->FromLmr(*ldu);
    if (!packets) {
      if (g.gateway_errors++ % 100 == 0) {
        spdlog::warn("IWF gateway {} -> {}: LDU not transcoded: {}", g.id, c.peer,
                     packets.error().message());
      }
      continue;
    }
    for (const auto& p : *packets) {
      if (c.mc_leg->SendPacket(p)) ++g.to_mc_packets;
    }
  }
}

void IwfCalls::Impl::OnInvite(const std::shared_ptr<net::IncomingRequest>& in) {
  const net::SipMessage& rq = in->request();
  auto refuse = [&](int status, const std::string& reason) {
    spdlog::info("IWF call: INVITE {} from {} refused: {} {}", rq.RequestUri(), rq.FromUri(),
                 status, reason);
    in->Respond(status, reason);
  };
  // The Request-URI names the group (sip:fire@example.org); a port or parameters are ignored.
  std::string target = rq.RequestUri();
  if (auto semi = target.find(';'); semi != std::string::npos) target.resize(semi);
  Group* g = Find(target);
  if (g == nullptr) g = Find(rq.ToUri());
  if (g == nullptr) return refuse(404, "Not Found: no group call " + target + " at this IWF");
  auto bad = [&](const Error& e) {
    ++g->refused;
    refuse(call::SipStatusFor(e), call::SipReasonFor(e));
  };
  if (rq.ContentType() != "application/sdp") {
    ++g->refused;
    return refuse(415, "Unsupported Media Type: application/sdp expected");
  }
  auto sd = call::SessionDescription::Parse(AsString(rq.Body()));
  if (!sd) return bad(sd.error());
  auto offer = call::ReadSdp(*sd);
  if (!offer) return bad(offer.error());

  call::AnswerPolicy policy;
  policy.address = media_address;
  policy.lmr.algorithms = {g->algid};
  policy.lmr.accept_in_media = false;
  policy.floor_port = g->floor_channel->local_port();
  if (g->mode == GroupMode::kE2ee) {
    // The IWF cannot read this group's voice: only LMR-encrypted LMR voice, end to end.
    policy.codecs = {call::Codec::kP25Imbe};
    policy.lmr.require_e2ee = true;
  } else {
    // Terminated: E2EE clients get the LMR stream relayed, others AMR-WB through the gateway.
    policy.codecs = {call::Codec::kP25Imbe, call::Codec::kAmrWb};
  }
  auto answer = call::AnswerOffer(*offer, call::CallType::kGroup, policy);
  if (!answer) return bad(answer.error());
  bool e2ee = answer->lmr_encryption && answer->lmr_encryption->mode == call::EncryptionMode::kE2ee;
  if (!e2ee && answer->codecs.front() == call::Codec::kP25Imbe) {
    ++g->refused;
    return refuse(488, "Not Acceptable Here: clear LMR voice is not offered for " + g->id);
  }

  Call c;
  c.call_id = rq.CallId();
  c.peer = rq.FromUri();
  const auto& info = call::InfoOf(answer->codecs.front());
  media::RtpSessionConfig rc;
  rc.name = fmt::format("{} mc leg {}", g->id, c.peer);
  rc.local_address = media_address;
  rc.ssrc = RandomU32();
  rc.payload_type = info.payload_type;
  rc.first_sequence_number = static_cast<uint16_t>(RandomU32());
  std::unique_ptr<srtp::Session> leg_srtp;
  auto srtp = GroupSrtpSession(g->key, {c.peer});
  if (!srtp) {
    ++g->refused;
    return refuse(500, "Server Internal Error: SRTP keys: " + srtp.error().message());
  }
  if (e2ee) {
    leg_srtp = std::move(*srtp);
  } else {
    media::GatewayCallConfig gc;
    gc.mc_ssrc = rc.ssrc;
    gc.amr_wb_payload_type = info.payload_type;
    gc.first_sequence_number = rc.first_sequence_number;
    auto gw = gateway.OpenCall(g->id, gc, std::move(*srtp));
    if (!gw) {
      ++g->refused;
      return refuse(488, "Not Acceptable Here: " + gw.error().message());
    }
    c.gateway = std::move(*gw);
  }
  c.mc_leg = std::make_unique<media::RtpSession>(io, rc, std::move(leg_srtp));
  if (auto st = c.mc_leg->Open(); !st) {
    ++g->refused;
    return refuse(500, "Server Internal Error: " + st.error().message());
  }
  c.mc_leg->SetRemote(offer->address, offer->audio_port);
  if (offer->floor) {
    auto ep = FloorChannel::EndpointOf(offer->address, offer->floor->port);
    if (ep) c.floor_remote = *ep;
  }
  if (e2ee) c.relay = std::make_unique<media::VoiceRelay>(*g->lmr_leg, *c.mc_leg);
  answer->audio_port = c.mc_leg->local_port();
  auto ok = net::SipMessage::ResponseTo(rq, 200, "OK");
  if (!ok) return refuse(500, "Server Internal Error: " + ok.error().message());
  static uint64_t session_id = 1;
  if (auto st = ok->SetBody("application/sdp",
                            AsBytes(call::BuildSdp(*answer, ++session_id).Serialise()));
      !st) {
    return refuse(500, "Server Internal Error: " + st.error().message());
  }
  spdlog::info(
      "IWF call: {} joined {} ({}, {}): MC leg {}:{} -> {}:{}, SRTP-GCM MKI {:08x}{:08x} "
      "(GMK-ID || GUK-ID of the IWF){}",
      c.peer, g->id, info.encoding,
      e2ee ? fmt::format("LMR E2EE ALGID 0x{:02x} relayed, IWF holds no TEK", g->algid)
           : "security gateway",
      media_address, c.mc_leg->local_port(), offer->address, offer->audio_port, g->key.gmk_id,
      g->key.guk_id, c.gateway ? fmt::format(", LMR codec {}", c.gateway->lmr_codec().name()) : "");
  ++g->calls_total;
  std::string call_id = c.call_id;
  std::string peer = c.peer;
  g->calls.erase(call_id);
  auto [it, added] = g->calls.emplace(call_id, std::move(c));
  g->calls_active = g->calls.size();
  // MC -> LMR: the client's voice, when it holds the floor (OnMcFrame). The map's node is stable
  // until the call is erased, which closes the leg first.
  it->second.mc_leg->Start(
      [this, g, cp = &it->second](const media::RtpFrame& f) { OnMcFrame(*g, *cp, f); });
  in->Respond(std::move(*ok));
  SendFloor(*g, g->floor->Join(peer));
}

void IwfCalls::Impl::OnDialog(const net::DialogEvent& e) {
  if (e.kind == net::DialogEvent::Kind::kConfirmed) return;
  for (auto& g : groups) {
    auto it = g->calls.find(e.id.call_id);
    if (it == g->calls.end()) continue;
    spdlog::info("IWF call: {} left {} ({}); {} packets sent to it", it->second.peer, g->id,
                 e.kind == net::DialogEvent::Kind::kByeReceived ? "BYE" : "no ACK",
                 it->second.mc_leg->counters().sent);
    it->second.mc_leg->Close();
    std::string peer = it->second.peer;
    g->calls.erase(it);
    g->calls_active = g->calls.size();
    SendFloor(*g, g->floor->Leave(peer));
  }
}

IwfCalls::IwfCalls(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

IwfCalls::~IwfCalls() {
  for (auto& g : impl_->groups) g->watcher.reset();  // no new keys from here on
  impl_->stack->SetInviteHandler({});
  impl_->stack->SetDialogHandler({});
  asio::post(impl_->io, [impl = impl_.get()] {
    for (auto& g : impl->groups) {
      g->calls.clear();
      if (g->lmr_leg) g->lmr_leg->Close();
      if (g->floor_channel) g->floor_channel->Close();
      g->hang_timer->cancel();
      g->switch_timer->cancel();
    }
  });
  impl_->work.reset();
  if (impl_->thread.joinable()) impl_->thread.join();
}

nlohmann::json IwfCalls::Counters() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& g : impl_->groups) {
    out[g->id] = {{"mode", g->mode == GroupMode::kE2ee ? "e2ee" : "gateway"},
                  {"lmr_port", g->lmr_leg ? g->lmr_leg->local_port() : 0},
                  {"lmr_packets", g->lmr_packets.load()},
                  {"to_mc_packets", g->to_mc_packets.load()},
                  {"calls_active", g->calls_active.load()},
                  {"calls_total", g->calls_total.load()},
                  {"refused", g->refused.load()},
                  {"to_lmr_packets", g->to_lmr_packets.load()},
                  {"floor_dropped", g->floor_dropped.load()},
                  {"gmk_id", fmt::format("{:08x}", g->gmk_id.load())},
                  {"rekeys", g->rekeys.load()},
                  {"holds_tek", impl_->gateway.HoldsTek(g->id)}};
  }
  return out;
}

Result<std::unique_ptr<IwfCalls>> IwfCalls::Start(const RoleContext& ctx, const YAML::Node& calls,
                                                  const std::string& iwf_uri,
                                                  net::SipStack& stack) {
  auto impl = std::make_unique<Impl>();
  impl->iwf_uri = iwf_uri;
  impl->stack = &stack;
  KB_TRY(impl->media_address, Get<std::string>(calls, "media_address", "127.0.0.1"));
  KB_TRY(std::string kms_cert, Get<std::string>(calls, "kms_cert", ""));
  KB_TRY(std::string keys, Get<std::string>(calls, "keys", ""));
  if (kms_cert.empty() || keys.empty()) {
    return Fail(Error::InvalidArgument(
        "calls: kms_cert and keys (the IWF's KMS certificate and key set) are required"));
  }
  KB_TRY(impl->floor_hang_ms, Get<uint32_t>(calls, "floor_hang_ms", 800));
  KB_TRY(impl->rekey_switch_ms, Get<uint32_t>(calls, "rekey_switch_ms", 1000));
  KB_TRY(uint32_t gmk_poll_ms, Get<uint32_t>(calls, "gmk_poll_ms", 200));
  if (!calls["groups"] || !calls["groups"].IsSequence()) {
    return Fail(Error::InvalidArgument("calls.groups: a list of groups is required"));
  }
  for (const auto& node : calls["groups"]) {
    auto g = std::make_unique<Group>();
    KB_TRY(g->id, Get<std::string>(node, "group", ""));
    if (g->id.empty()) return Fail(Error::InvalidArgument("calls.groups: an entry without group"));
    auto where = [&](const Error& e) { return e.Within("calls group " + g->id); };
    KB_TRY(std::string mode, Get<std::string>(node, "mode", "e2ee"));
    if (mode == "e2ee") {
      g->mode = GroupMode::kE2ee;
    } else if (mode == "gateway") {
      g->mode = GroupMode::kGateway;
    } else {
      return Fail(Error::InvalidArgument(
          fmt::format("calls group {}: mode '{}' is not e2ee or gateway", g->id, mode)));
    }
    KB_TRY(std::string gmk, Get<std::string>(node, "gmk", ""));
    if (gmk.empty()) return Fail(Error::InvalidArgument("calls group " + g->id + ": gmk missing"));
    auto key = OpenGroupCallKey(ConfigPath(ctx, kms_cert), ConfigPath(ctx, keys),
                                ConfigPath(ctx, gmk), iwf_uri);
    if (!key) return Fail(where(key.error()));
    g->key = std::move(*key);
    g->gmk_id = g->key.gmk_id;
    g->gmk_path = ConfigPath(ctx, gmk).string();
    KB_TRY(std::string lmr_listen, Get<std::string>(node, "lmr_listen", ""));
    KB_TRY(uint16_t lmr_port, Get<uint16_t>(node, "lmr_port", 0));
    KB_TRY(std::string lmr_remote, Get<std::string>(node, "lmr_remote", ""));
    KB_TRY(uint32_t algid, Get<uint32_t>(node, "algid", 0x84));
    g->algid = static_cast<uint8_t>(algid);
    KB_TRY(std::string tek_file, Get<std::string>(node, "tek_file", ""));
    media::GatewayGroupConfig gw;
    gw.group = g->id;
    gw.terminated = g->mode == GroupMode::kGateway;
    if (gw.terminated) {
      if (tek_file.empty()) {
        return Fail(Error::InvalidArgument("calls group " + g->id + ": gateway needs tek_file"));
      }
      auto fill = ReadTekFile(ConfigPath(ctx, tek_file));
      if (!fill) return Fail(where(fill.error()));
      g->algid = fill->algid;
      g->kid = fill->kid;
      gw.algid = fill->algid;
      gw.kid = fill->kid;
      gw.tek = std::move(fill->key);
    } else if (!tek_file.empty()) {
      return Fail(Error::InvalidArgument("calls group " + g->id +
                                         ": tek_file given for an e2ee group (the IWF must not "
                                         "hold its TEK)"));
    }
    if (auto st = impl->gateway.AddGroup(std::move(gw)); !st) return Fail(where(st.error()));

    media::RtpSessionConfig rc;
    rc.name = g->id + " lmr leg";
    rc.local_address = impl->media_address;
    rc.local_port = lmr_port;
    rc.ssrc = RandomU32();
    rc.payload_type = call::InfoOf(call::Codec::kP25Imbe).payload_type;
    g->lmr_leg = std::make_unique<media::RtpSession>(impl->io, rc, nullptr);
    if (auto st = g->lmr_leg->Open(); !st) return Fail(where(st.error()));
    g->floor = std::make_unique<call::GroupFloor>(rc.ssrc, "lmr:" + g->id);
    g->floor_channel = std::make_unique<FloorChannel>(impl->io, g->id + " floor");
    if (auto st = g->floor_channel->Open(impl->media_address); !st) {
      return Fail(where(st.error()));
    }
    g->hang_timer = std::make_unique<asio::steady_timer>(impl->io);
    g->switch_timer = std::make_unique<asio::steady_timer>(impl->io);
    g->lmr_timestamp = RandomU32();
    if (!lmr_remote.empty()) {
      KB_TRY(auto hp, ParseHostPort(lmr_remote, "lmr_remote"));
      g->lmr_leg->SetRemote(hp.first, hp.second);
      g->has_lmr_remote = true;
    }
    spdlog::info(
        "IWF calls: group {} mode {} LMR leg {}:{} (P25 LDU RTP), floor {}:{}, GMK-ID {:08x} "
        "GUK-ID {:08x}{}",
        g->id, mode, impl->media_address, g->lmr_leg->local_port(), impl->media_address,
        g->floor_channel->local_port(), g->key.gmk_id, g->key.guk_id,
        g->mode == GroupMode::kGateway
            ? fmt::format(", TEK ALGID 0x{:02x} KID 0x{:04x} held (terminated)", g->algid, g->kid)
            : ", no TEK (LMR E2EE relayed)");
    impl->groups.push_back(std::move(g));
  }
  Impl* p = impl.get();
  for (auto& g : p->groups) {
    Group* gp = g.get();
    g->lmr_leg->Start([p, gp](const media::RtpFrame& f) { p->OnLmrFrame(*gp, f); });
    g->floor_channel->Start([p, gp](const call::FloorMessage& m, const FloorChannel::Endpoint& e) {
      p->OnFloorMessage(*gp, m, e);
    });
    // A new GMK for the group (e.g. `keybridge gms add-member` rewrote the file) is picked up
    // in mid-call: docs/calls.md "Mid-call rekey".
    g->watcher = std::make_unique<GmkFileWatcher>(
        ConfigPath(ctx, kms_cert), ConfigPath(ctx, keys), g->gmk_path, iwf_uri, g->key.gmk_id,
        [p, gp](GroupCallKey k) {
          auto key = std::make_shared<GroupCallKey>(std::move(k));
          asio::post(p->io, [p, gp, key] { p->OnNewKey(*gp, std::move(*key)); });
        },
        gmk_poll_ms);
  }
  stack.SetInviteHandler([p](std::shared_ptr<net::IncomingRequest> in) {
    asio::post(p->io, [p, in] { p->OnInvite(in); });
  });
  stack.SetDialogHandler(
      [p](const net::DialogEvent& e) { asio::post(p->io, [p, e] { p->OnDialog(e); }); });
  p->thread = std::thread([p] { p->io.run(); });
  return std::unique_ptr<IwfCalls>(new IwfCalls(std::move(impl)));
}

}  // namespace kb::app
