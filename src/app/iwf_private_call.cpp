// TS 23.283 10.4.1.2, TS 33.180 7.2 / E.3 / 7.4.1: the IWF's private calls from LMR radios to MC
// users (docs/calls.md "Private call LMR radio -> MC user").
#include "app/iwf_private_call.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <map>
#include <thread>

#include "app/gms_identity.h"
#include "app/mc_endpoint_config.h"
#include "app/role_config.h"
#include "call/call_offer.h"
#include "call/private_call_key.h"
#include "crypto/random.h"
#include "media/rtp_session.h"
#include "media/voice_relay.h"
#include "net/sip_dialog.h"
#include "srtp/key_derivation.h"

namespace kb::app {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;

uint32_t RandomU32() {
  Bytes r = crypto::RandomBytes(4);
  return uint32_t{r[0]} << 24 | uint32_t{r[1]} << 16 | uint32_t{r[2]} << 8 | r[3];
}

struct PrivateCall {
  std::string id;
  std::string to;
  udp::endpoint radio;
  std::unique_ptr<media::RtpSession> lmr_leg;
  std::unique_ptr<media::RtpSession> mc_leg;
  std::unique_ptr<media::VoiceRelay> relay;
  std::optional<net::DialogId> dialog;
  uint32_t pck_id = 0;
};

// "key: value" lines after the magic line; a bare word is a flag ("end").
Result<std::map<std::string, std::string>> ParseDatagram(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no++ == 0) {
      if (line != kPrivateCallMagic) {
        return Fail(Error::Malformed(fmt::format("line 1: not '{}'", kPrivateCallMagic)));
      }
      continue;
    }
    if (line.empty()) continue;
    size_t colon = line.find(": ");
    if (colon == std::string_view::npos) {
      out[std::string(line)] = "";
    } else {
      out[std::string(line.substr(0, colon))] = std::string(line.substr(colon + 2));
    }
  }
  if (line_no == 0) return Fail(Error::Malformed("empty datagram"));
  return out;
}

}  // namespace

struct IwfPrivateCalls::Impl : std::enable_shared_from_this<IwfPrivateCalls::Impl> {
  std::string iwf_uri;
  std::string media_address = "127.0.0.1";
  net::SipStack* stack = nullptr;
  net::SipEndpoint server;
  std::unique_ptr<GmsIdentity> me;                              // the IWF's signing identity
  std::map<std::string, std::unique_ptr<GmsIdentity>> signers;  // test_signers by URI
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  udp::socket control{io};
  std::array<char, 2048> buffer{};
  udp::endpoint sender;
  std::map<std::string, PrivateCall> calls;  // by the radio's call id; io thread only
  std::thread thread;

  void Receive();
  void OnDatagram(std::string_view text, const udp::endpoint& from);
  void Reply(const udp::endpoint& to, const std::string& id, const std::string& status,
             const std::string& extra = {});
  void Setup(const std::map<std::string, std::string>& f, const udp::endpoint& from);
  void OnAnswer(const std::string& id, const call::CallMedia& offer, uint8_t algid,
                Result<net::SipMessage> r);
  void End(const std::string& id, const udp::endpoint& from);
};

void IwfPrivateCalls::Impl::Reply(const udp::endpoint& to, const std::string& id,
                                  const std::string& status, const std::string& extra) {
  auto text = std::make_shared<std::string>(
      fmt::format("{}\ncall: {}\nstatus: {}\n{}", kPrivateCallMagic, id, status, extra));
  control.async_send_to(asio::buffer(*text), to, [text](boost::system::error_code, size_t) {});
}

void IwfPrivateCalls::Impl::Receive() {
  control.async_receive_from(asio::buffer(buffer), sender,
                             [this](boost::system::error_code ec, size_t n) {
                               if (ec) return;
                               OnDatagram(std::string_view(buffer.data(), n), sender);
                               Receive();
                             });
}

void IwfPrivateCalls::Impl::OnDatagram(std::string_view text, const udp::endpoint& from) {
  auto f = ParseDatagram(text);
  if (!f) {
    spdlog::warn("IWF private call: control datagram from {}:{} dropped: {}",
                 from.address().to_string(), from.port(), f.error().message());
    return;
  }
  std::string id = (*f)["call"];
  if (id.empty() || id.size() > 64) {
    spdlog::warn("IWF private call: control datagram without a usable call id dropped");
    return;
  }
  if (f->contains("end")) return End(id, from);
  Setup(*f, from);
}

void IwfPrivateCalls::Impl::Setup(const std::map<std::string, std::string>& f,
                                  const udp::endpoint& from) {
  std::string id = f.at("call");
  auto field = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  auto refuse = [&](int status, const std::string& reason) {
    spdlog::info("IWF private call {}: refused {} {}", id, status, reason);
    Reply(from, id, fmt::format("{} {}", status, reason));
  };
  if (calls.contains(id)) return refuse(409, "Conflict: call id in use");
  std::string to = field("to");
  if (!to.starts_with("sip:") || to.find('@') == std::string::npos) {
    return refuse(400, "Bad Request: to: needs an MC ID (sip:user@domain)");
  }
  unsigned algid = 0x84;
  if (std::string a = field("algid"); !a.empty()) {
    algid = static_cast<unsigned>(std::strtoul(a.c_str(), nullptr, 0));
    if (algid == 0 || algid > 0xFF) return refuse(400, "Bad Request: algid");
  }
  const GmsIdentity* signer = me.get();
  if (std::string s = field("sign-as"); !s.empty()) {
    auto it = signers.find(s);
    if (it == signers.end())
      return refuse(403, "Forbidden: sign-as " + s + " is not a test signer");
    signer = it->second.get();
  }
  mikey::Initiator initiator{signer->uri, &signer->keys, signer->signer.get(), signer->period};
  mikey::Responder responder{to, &me->keys};
  auto key = call::CreatePrivateCallKey(initiator, responder, NtpTime::Now());
  if (!key) return refuse(500, "Server Internal Error: PCK: " + key.error().message());

  PrivateCall c;
  c.id = id;
  c.to = to;
  c.radio = from;
  c.pck_id = key->pck_id;
  // MC leg: SRTP-GCM keyed from the PCK, our (the initiator's) stream CS-ID 0, MKI = PCK-ID.
  srtp::SessionPolicy policy;
  policy.mki_size = 4;
  auto session = srtp::Session::Create(policy);
  if (!session) return refuse(500, "Server Internal Error: " + session.error().message());
  auto m = call::PrivateCallMasterKey(*key, call::kCsIdPrivateInitiator);
  if (auto st = session->AddMasterKey(srtp::KeyIdMki(key->pck_id), m.key.Reveal(), m.salt.Reveal());
      !st) {
    return refuse(500, "Server Internal Error: " + st.error().message());
  }
  media::RtpSessionConfig rc;
  rc.name = "private call " + id + " mc leg";
  rc.local_address = media_address;
  rc.ssrc = RandomU32();
  rc.payload_type = call::InfoOf(call::Codec::kP25Imbe).payload_type;
  rc.first_sequence_number = static_cast<uint16_t>(RandomU32());
  c.mc_leg = std::make_unique<media::RtpSession>(
      io, rc, std::make_unique<srtp::Session>(std::move(*session)));
  media::RtpSessionConfig lc = rc;
  lc.name = "private call " + id + " lmr leg";
  lc.ssrc = RandomU32();
  c.lmr_leg = std::make_unique<media::RtpSession>(io, lc, nullptr);
  if (auto st = c.mc_leg->Open(); !st)
    return refuse(500, "Server Internal Error: " + st.error().message());
  if (auto st = c.lmr_leg->Open(); !st)
    return refuse(500, "Server Internal Error: " + st.error().message());

  call::CallMedia offer;
  offer.address = media_address;
  offer.audio_port = c.mc_leg->local_port();
  offer.codecs = {call::Codec::kP25Imbe};
  offer.lmr_encryption =
      call::LmrEncryption{call::EncryptionMode::kE2ee, static_cast<uint8_t>(algid), false};
  call::AttachPrivateCallKey(offer, *key);
  auto invite = stack->NewRequest("INVITE", to, to, iwf_uri);
  if (!invite) return refuse(500, "Server Internal Error: " + invite.error().message());
  static uint64_t session_id = 1000;
  if (auto st = invite->SetBody("application/sdp",
                                AsBytes(call::BuildSdp(offer, ++session_id).Serialise()));
      !st) {
    return refuse(500, "Server Internal Error: " + st.error().message());
  }
  spdlog::info(
      "IWF private call {}: LMR radio -> {}: PCK-ID {:08x} signed as {}, INVITE via the MC "
      "service server {} (LMR E2EE ALGID 0x{:02x})",
      id, to, key->pck_id, signer->uri, server.ToString(), algid);
  calls.emplace(id, std::move(c));
  std::weak_ptr<Impl> weak = weak_from_this();
  stack->SendInvite(std::move(*invite), server,
                    [weak, id, offer, algid](Result<net::SipMessage> r) {
                      if (r && r->StatusCode() < 200) return;
                      auto self = weak.lock();
                      if (!self) return;
                      auto shared = std::make_shared<Result<net::SipMessage>>(std::move(r));
                      Impl* p = self.get();
                      asio::post(p->io, [weak, id, offer, algid, shared] {
                        if (auto s = weak.lock())
                          s->OnAnswer(id, offer, static_cast<uint8_t>(algid), std::move(*shared));
                      });
                    });
}

void IwfPrivateCalls::Impl::OnAnswer(const std::string& id, const call::CallMedia& offer,
                                     uint8_t algid, Result<net::SipMessage> r) {
  auto it = calls.find(id);
  if (it == calls.end()) return;
  PrivateCall& c = it->second;
  auto fail = [&](int status, const std::string& reason) {
    spdlog::info("IWF private call {} -> {}: {} {}", id, c.to, status, reason);
    Reply(c.radio, id, fmt::format("{} {}", status, reason));
    c.mc_leg->Close();
    c.lmr_leg->Close();
    calls.erase(it);
  };
  if (!r) return fail(408, "Request Timeout: " + r.error().message());
  if (r->StatusCode() != 200) return fail(r->StatusCode(), r->ReasonPhrase());
  c.dialog = net::ResponseDialogId(*r);
  auto sd = call::SessionDescription::Parse(AsString(r->Body()));
  Result<call::CallMedia> answer =
      sd ? call::ReadSdp(*sd) : Result<call::CallMedia>(Fail(sd.error()));
  call::LmrEncryptionPolicy policy;
  policy.algorithms = {algid};
  Status checked =
      answer ? call::CheckAnswer(offer, *answer, policy) : Status(Fail(answer.error()));
  if (!checked) {
    stack->SendBye(*c.dialog, [](Result<net::SipMessage>) {});
    return fail(488, "Not Acceptable Here: the answer: " + checked.error().message());
  }
  c.mc_leg->SetRemote(answer->address, answer->audio_port);
  c.mc_leg->Start([](const media::RtpFrame&) {});  // the MC user's talk: not carried (one way)
  c.relay = std::make_unique<media::VoiceRelay>(*c.lmr_leg, *c.mc_leg);
  media::VoiceRelay* relay = c.relay.get();
  c.lmr_leg->Start([relay](const media::RtpFrame& f) { relay->ForwardLmrToMc(f); });
  spdlog::info(
      "IWF private call {} -> {} connected: LMR leg {}:{} -> MC leg {}:{} -> {}:{}, SRTP-GCM "
      "MKI {:08x} (PCK-ID), LMR E2EE relayed, IWF holds no TEK",
      id, c.to, media_address, c.lmr_leg->local_port(), media_address, c.mc_leg->local_port(),
      answer->address, answer->audio_port, c.pck_id);
  Reply(c.radio, id, "200 OK", fmt::format("lmr: {}:{}\n", media_address, c.lmr_leg->local_port()));
}

void IwfPrivateCalls::Impl::End(const std::string& id, const udp::endpoint& from) {
  auto it = calls.find(id);
  if (it == calls.end()) return Reply(from, id, "481 Call Does Not Exist");
  PrivateCall& c = it->second;
  spdlog::info("IWF private call {} -> {} ended by the radio: {} packets relayed; BYE", id, c.to,
               c.mc_leg->counters().sent);
  if (c.dialog) stack->SendBye(*c.dialog, [](Result<net::SipMessage>) {});
  c.mc_leg->Close();
  c.lmr_leg->Close();
  calls.erase(it);
  Reply(from, id, "200 ended");
}

IwfPrivateCalls::IwfPrivateCalls(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

IwfPrivateCalls::~IwfPrivateCalls() {
  asio::post(impl_->io, [impl = impl_.get()] {
    for (auto& [id, c] : impl->calls) {
      c.mc_leg->Close();
      c.lmr_leg->Close();
    }
    impl->calls.clear();
    boost::system::error_code ec;
    impl->control.close(ec);
  });
  impl_->work.reset();
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t IwfPrivateCalls::control_port() const { return impl_->control.local_endpoint().port(); }

Result<std::unique_ptr<IwfPrivateCalls>> IwfPrivateCalls::Start(const RoleContext& ctx,
                                                                const YAML::Node& calls,
                                                                const std::string& iwf_uri,
                                                                net::SipStack& stack,
                                                                net::SipEndpoint server) {
  auto impl = std::make_shared<Impl>();
  impl->iwf_uri = iwf_uri;
  impl->stack = &stack;
  impl->server = std::move(server);
  YAML::Node pc = calls["private_calls"];
  KB_TRY(impl->media_address, Get<std::string>(calls, "media_address", "127.0.0.1"));
  KB_TRY(std::string kms_cert, Get<std::string>(calls, "kms_cert", ""));
  KB_TRY(std::string keys, Get<std::string>(calls, "keys", ""));
  KB_TRY(impl->me, LoadGmsIdentity(ConfigPath(ctx, kms_cert).string(),
                                   ConfigPath(ctx, keys).string(), iwf_uri, NtpTime::Now()));
  for (const auto& s : pc["test_signers"]) {
    KB_TRY(std::string uri, Get<std::string>(s, "uri", ""));
    KB_TRY(std::string skeys, Get<std::string>(s, "keys", ""));
    KB_TRY(auto id, LoadGmsIdentity(ConfigPath(ctx, kms_cert).string(),
                                    ConfigPath(ctx, skeys).string(), uri, NtpTime::Now()));
    impl->signers[uri] = std::move(id);
  }
  KB_TRY(std::string listen, Get<std::string>(pc, "control_listen", "127.0.0.1:0"));
  KB_TRY(auto hp, ParseHostPort(listen, "calls.private_calls.control_listen"));
  boost::system::error_code ec;
  udp::endpoint ep(asio::ip::make_address(hp.first, ec), hp.second);
  if (ec) return Fail(Error::InvalidArgument("control_listen: " + ec.message()));
  impl->control.open(ep.protocol(), ec);
  if (!ec) impl->control.bind(ep, ec);
  if (ec) return Fail(Error::Io(fmt::format("control_listen {}: {}", listen, ec.message())));
  Impl* p = impl.get();
  p->Receive();
  p->thread = std::thread([p] { p->io.run(); });
  spdlog::info("IWF private calls: LMR control UDP {}:{}, PCKs signed as {}{}", hp.first,
               p->control.local_endpoint().port(), p->me->uri,
               p->signers.empty() ? "" : fmt::format(" ({} test signers)", p->signers.size()));
  return std::unique_ptr<IwfPrivateCalls>(new IwfPrivateCalls(std::move(impl)));
}

}  // namespace kb::app
