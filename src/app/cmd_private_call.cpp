// TS 23.283 10.4.1.2 / TS 33.180 7.2, E.3 (seed requirement a): the two ends of a private call
// LMR radio -> MC user (docs/calls.md "Private call LMR radio -> MC user"). `radio call` is an
// emulated P25 radio asking the IWF for the call over its LMR control port (keybridge
// datagram, iwf_private_call.h) and then sending LMR-encrypted LDUs; `call answer` is the MC
// user: registered with the MC service server, it takes one INVITE, opens the PCK (signed by
// the From, else 403), answers and recovers the LMR voice from SRTP keyed by the PCK.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/call_signalling.h"
#include "app/client_node.h"
#include "app/commands.h"
#include "app/group_call_key.h"
#include "app/input.h"
#include "app/iwf_private_call.h"
#include "app/mc_endpoint_config.h"
#include "app/output.h"
#include "app/role_config.h"
#include "call/call_offer.h"
#include "call/private_call_key.h"
#include "crypto/mc_identity.h"
#include "crypto/random.h"
#include "crypto/sakke.h"
#include "kms/kms_certificate.h"
#include "kms/user_key_documents.h"
#include "media/p25_voice_stream.h"
#include "media/rtp_session.h"
#include "net/registrar.h"
#include "net/sip_dialog.h"

namespace kb::app {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

void LogToStderr() {
  if (spdlog::get("keybridge")) return;
  spdlog::set_default_logger(spdlog::stderr_color_mt("keybridge"));
}

uint32_t RandomU32() {
  Bytes r = crypto::RandomBytes(4);
  return uint32_t{r[0]} << 24 | uint32_t{r[1]} << 16 | uint32_t{r[2]} << 8 | r[3];
}

// The MC user's KMS material for opening I_MESSAGEs addressed to it.
struct Receiver {
  kms::KmsCertificate cert;
  std::unique_ptr<crypto::sakke::Community> community;
  mikey::KmsPublicKeys kms;
  std::vector<crypto::sakke::Receiver> receivers;
  mikey::ReceiverIdentity id;
};

Result<std::unique_ptr<Receiver>> LoadReceiver(const std::filesystem::path& kms_cert,
                                               const std::filesystem::path& keys,
                                               const std::string& me) {
  auto r = std::make_unique<Receiver>();
  KB_TRY(std::string cert_xml, ReadInput(kms_cert.string()));
  KB_TRY(r->cert, kms::LoadKmsCertificate(cert_xml));
  KB_TRY(auto community, crypto::sakke::Community::Create(r->cert.pub_enc_key));
  r->community = std::make_unique<crypto::sakke::Community>(std::move(community));
  r->kms = {r->cert.kms_uri, r->cert.pub_enc_key, r->cert.pub_auth_key, r->cert.key_period,
            r->community.get()};
  KB_TRY(std::string keys_xml, ReadInput(keys.string()));
  KB_TRY(auto sets, kms::LoadKmsKeySets(keys_xml));
  r->id = {me, &r->kms, {}};
  for (const auto& s : sets) {
    if (s.user_uri != me) continue;
    crypto::Uid uid =
        crypto::MikeySakkeUid(me, r->cert.kms_uri, r->cert.key_period, s.key_period_no);
    KB_TRY(auto rx,
           crypto::sakke::Receiver::Create(*r->community, uid, s.user_decrypt_key.Clone()));
    r->receivers.push_back(std::move(rx));
    r->id.keys.push_back({s.key_period_no, nullptr});
  }
  if (r->receivers.empty()) {
    return Fail(Error::NotFound(fmt::format("{}: no key set for {}", keys.string(), me)));
  }
  for (size_t i = 0; i < r->receivers.size(); ++i) r->id.keys[i].receiver = &r->receivers[i];
  return r;
}

// ---- call answer ----

struct AnswerFlags {
  std::string config, node, tek_file, frames_out;
  double seconds = 15;
};

struct AnswerState {
  std::mutex mu;
  bool invited = false;
  bool bye = false;
  int refused = 0;
  std::string refusal, caller, codec;
  uint32_t pck_id = 0;
  bool e2ee = false;
  std::optional<net::DialogId> dialog;
  uint64_t packets = 0, ldus = 0, frames = 0;
  Bytes frame_bytes;
  std::string first_error;
};

Status RunAnswer(const AnswerFlags& f) {
  LogToStderr();
  KB_TRY(RoleContext ctx, LoadNodeContext(f.config, f.node));
  YAML::Node calls = ctx.config["calls"];
  if (!calls) return Fail(Error::NotFound("nodes." + f.node + ".calls: missing"));
  KB_TRY(std::string user, Get<std::string>(ctx.config, "user", ""));
  KB_TRY(user, Get<std::string>(ctx.config, "identity", user));
  KB_TRY(std::string kms_cert, Get<std::string>(calls, "kms_cert", ""));
  KB_TRY(std::string keys, Get<std::string>(calls, "keys", ""));
  KB_TRY(std::string media_address, Get<std::string>(calls, "media_address", "127.0.0.1"));
  KB_TRY(auto me, LoadReceiver(ConfigPath(ctx, kms_cert), ConfigPath(ctx, keys), user));
  std::optional<client::KeyFill> tek;
  if (!f.tek_file.empty()) {
    KB_TRY(tek, ReadTekFile(f.tek_file));
  }
  std::unique_ptr<media::P25VoiceDecryptor> decryptor;
  if (tek)
    decryptor = std::make_unique<media::P25VoiceDecryptor>(tek->algid, tek->kid, tek->key.Clone());

  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread media_thread([&io] { io.run(); });
  std::unique_ptr<media::RtpSession> leg;
  AnswerState st;
  std::promise<void> invited;
  auto invited_f = invited.get_future();

  KB_TRY(CallSignalling sig, OpenCallSignalling(ctx, calls, user, media_address, {}, true));
  net::SipStack& stack = sig.stack();
  stack.SetDialogHandler([&](const net::DialogEvent& e) {
    std::lock_guard lock(st.mu);
    if (e.kind == net::DialogEvent::Kind::kByeReceived && st.dialog && e.id == *st.dialog)
      st.bye = true;
  });
  stack.SetInviteHandler([&](std::shared_ptr<net::IncomingRequest> in) {
    const net::SipMessage& rq = in->request();
    std::lock_guard lock(st.mu);
    if (st.invited) return in->Respond(486, "Busy Here: one call at a time");
    std::string caller = net::Registrar::CanonicalAor(rq.FromUri());
    auto refuse = [&](int status, const std::string& reason) {
      st.invited = true;
      st.refused = status;
      st.refusal = reason;
      st.caller = caller;
      spdlog::warn("call answer: INVITE from {} refused: {} {}", caller, status, reason);
      in->Respond(status, reason);
      invited.set_value();
    };
    auto sd = call::SessionDescription::Parse(AsString(rq.Body()));
    if (!sd) return refuse(call::SipStatusFor(sd.error()), call::SipReasonFor(sd.error()));
    auto offer = call::ReadSdp(*sd);
    if (!offer) return refuse(call::SipStatusFor(offer.error()), call::SipReasonFor(offer.error()));
    mikey::OpenOptions options;
    options.now = NtpTime::Now();
    options.expected_key_type = crypto::PurposeTag::kPck;
    // The PCK must be signed by the caller the signalling names (the server vouched for From).
    auto key = call::OpenPrivateCallKey(*offer, me->id, options, caller);
    if (!key) {
      return refuse(
          key.error().kind() == ErrorKind::kMalformed ? 400 : 403,
          fmt::format("{}: the PCK: {}",
                      key.error().kind() == ErrorKind::kMalformed ? "Bad Request" : "Forbidden",
                      key.error().message()));
    }
    call::AnswerPolicy policy;
    policy.address = media_address;
    policy.codecs = {call::Codec::kP25Imbe, call::Codec::kAmrWb};
    if (tek)
      policy.lmr.algorithms = {tek->algid};
    else
      policy.lmr.allow_e2ee = false;
    auto answer = call::AnswerOffer(*offer, call::CallType::kPrivate, policy);
    if (!answer)
      return refuse(call::SipStatusFor(answer.error()), call::SipReasonFor(answer.error()));
    // The initiator's stream (CS-ID 0, MKI = PCK-ID) is what we receive.
    srtp::SessionPolicy sp;
    sp.mki_size = 4;
    auto session = srtp::Session::Create(sp);
    if (!session) return refuse(500, "Server Internal Error: SRTP");
    auto m = call::PrivateCallMasterKey(*key, call::kCsIdPrivateInitiator);
    if (auto s =
            session->AddMasterKey(srtp::KeyIdMki(key->pck_id), m.key.Reveal(), m.salt.Reveal());
        !s)
      return refuse(500, "Server Internal Error: SRTP key");
    media::RtpSessionConfig rc;
    rc.name = "private call from " + caller;
    rc.local_address = media_address;
    rc.ssrc = RandomU32();
    rc.payload_type = call::InfoOf(answer->codecs.front()).payload_type;
    leg = std::make_unique<media::RtpSession>(io, rc,
                                              std::make_unique<srtp::Session>(std::move(*session)));
    if (auto s = leg->Open(); !s)
      return refuse(500, "Server Internal Error: " + s.error().message());
    leg->SetRemote(offer->address, offer->audio_port);
    st.e2ee = answer->lmr_encryption && answer->lmr_encryption->mode == call::EncryptionMode::kE2ee;
    leg->Start([&](const media::RtpFrame& frame) {
      std::lock_guard l(st.mu);
      ++st.packets;
      if (!st.e2ee || !decryptor) return;
      auto ldu = media::P25LduPayload::Decode(frame.payload);
      if (!ldu) {
        if (st.first_error.empty()) st.first_error = ldu.error().ToString();
        return;
      }
      auto frames = decryptor->Open(*ldu);
      if (!frames) {
        if (st.first_error.empty()) st.first_error = frames.error().ToString();
        return;
      }
      ++st.ldus;
      for (const auto& fr : *frames) {
        st.frame_bytes.insert(st.frame_bytes.end(), fr.begin(), fr.end());
        ++st.frames;
      }
    });
    answer->audio_port = leg->local_port();
    auto ok = net::SipMessage::ResponseTo(rq, 200, "OK");
    if (!ok) return refuse(500, "Server Internal Error");
    (void)ok->SetBody("application/sdp", AsBytes(call::BuildSdp(*answer, 1).Serialise()));
    st.invited = true;
    st.caller = caller;
    st.pck_id = key->pck_id;
    st.codec = std::string(call::InfoOf(answer->codecs.front()).encoding);
    st.dialog = net::IncomingDialogId(rq);
    spdlog::info(
        "call answer: private call from {} answered ({}{}), PCK-ID {:08x} signed by {}, media "
        "{}:{} <- {}:{}",
        caller, st.codec,
        st.e2ee ? fmt::format(", LMR E2EE ALGID 0x{:02x}", *answer->lmr_encryption->algorithm_id)
                : "",
        key->pck_id, caller, media_address, leg->local_port(), offer->address, offer->audio_port);
    in->Respond(std::move(*ok));
    invited.set_value();
  });
  spdlog::info("call answer: {} waiting for a private call", user);
  auto until = std::chrono::steady_clock::now() +
               std::chrono::milliseconds(static_cast<int64_t>(f.seconds * 1000));
  bool got_invite = invited_f.wait_until(until) == std::future_status::ready;
  while (got_invite && std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard lock(st.mu);
      if (st.bye || st.refused) break;
    }
    std::this_thread::sleep_for(20ms);
  }
  stack.SetInviteHandler({});
  stack.SetDialogHandler({});
  bool hang_up = false;
  {
    std::lock_guard lock(st.mu);
    hang_up = st.dialog && !st.bye;
  }
  if (hang_up) {
    auto b = std::make_shared<std::promise<void>>();
    auto bf = b->get_future();
    stack.SendBye(*st.dialog, [b](Result<net::SipMessage>) { b->set_value(); });
    (void)bf.wait_for(3s);
  }
  uint64_t rejected = 0;
  if (leg) {
    asio::post(io, [&] { leg->Close(); });
  }
  work.reset();
  io.stop();
  media_thread.join();
  if (leg) rejected = leg->counters().rejected;
  std::lock_guard lock(st.mu);
  if (!f.frames_out.empty()) {
    KB_CHECK(WriteBinaryFile(f.frames_out, st.frame_bytes));
  }
  if (!got_invite) return Fail(Error::Expired("no private call within --seconds"));
  nlohmann::json j = {{"user", user}, {"caller", st.caller}, {"answered", st.refused == 0}};
  if (st.refused) {
    j["status"] = st.refused;
    j["reason"] = st.refusal;
  } else {
    j.update({{"pck_id", fmt::format("{:08x}", st.pck_id)},
              {"pck_signer", st.caller},
              {"codec", st.codec},
              {"lmr_e2ee", st.e2ee},
              {"packets", st.packets},
              {"srtp_rejected", rejected},
              {"ldus", st.ldus},
              {"frames", st.frames},
              {"bye_received", st.bye}});
    if (!st.first_error.empty()) j["first_error"] = st.first_error;
  }
  std::printf("%s\n", j.dump().c_str());
  if (st.refused)
    return Fail(Error::Unauthorised(fmt::format("refused {} {}", st.refused, st.refusal)));
  return Ok();
}

// ---- radio call ----

struct RadioCallFlags {
  std::string config, iwf_node = "iwf", to, tek_file, frames_out, control, sign_as;
  size_t ldus = 10;
  uint32_t interval_ms = 180;
  uint64_t seed = 1;
};

class ControlSocket {
 public:
  ~ControlSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& host, uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd_ < 0) return Fail(Error::Io("socket"));
    timeval tv{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    to_.sin_family = AF_INET;
    to_.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &to_.sin_addr) != 1)
      return Fail(Error::InvalidArgument("control address " + host));
    return Ok();
  }
  // Sends `text` and waits up to `wait` for a reply datagram of the same call.
  Result<std::map<std::string, std::string>> Ask(const std::string& text,
                                                 std::chrono::milliseconds wait) {
    auto until = std::chrono::steady_clock::now() + wait;
    if (::sendto(fd_, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&to_), sizeof to_) <
        0)
      return Fail(Error::Io("sendto the IWF's control port"));
    while (std::chrono::steady_clock::now() < until) {
      char buf[2048];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      std::map<std::string, std::string> out;
      std::string_view s(buf, static_cast<size_t>(n));
      size_t line = 0;
      while (!s.empty()) {
        size_t nl = s.find('\n');
        std::string_view l = s.substr(0, nl);
        s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
        if (line++ == 0 && l != kPrivateCallMagic) break;
        if (auto c = l.find(": "); c != std::string_view::npos)
          out[std::string(l.substr(0, c))] = std::string(l.substr(c + 2));
      }
      if (out.contains("status")) return out;
    }
    return Fail(Error::Expired("no answer from the IWF's LMR control port"));
  }

 private:
  int fd_ = -1;
  sockaddr_in to_{};
};

Status RunRadioCall(const RadioCallFlags& f) {
  LogToStderr();
  std::pair<std::string, uint16_t> control;
  if (!f.control.empty()) {
    KB_TRY(control, ParseHostPort(f.control, "--control"));
  } else {
    KB_TRY(RoleContext ctx, LoadNodeContext(f.config, f.iwf_node));
    KB_TRY(std::string listen,
           Get<std::string>(ctx.config["calls"]["private_calls"], "control_listen", ""));
    if (listen.empty())
      return Fail(Error::NotFound("nodes." + f.iwf_node + ".calls.private_calls.control_listen"));
    KB_TRY(control, ParseHostPort(listen, "control_listen"));
  }
  KB_TRY(client::KeyFill tek, ReadTekFile(f.tek_file));
  ControlSocket sock;
  KB_CHECK(sock.Open(control.first, control.second));
  std::string id = fmt::format("{:08x}", RandomU32());
  std::string ask = fmt::format("{}\ncall: {}\nto: {}\nalgid: 0x{:02x}\n", kPrivateCallMagic, id,
                                f.to, tek.algid);
  if (!f.sign_as.empty()) ask += "sign-as: " + f.sign_as + "\n";
  spdlog::info("radio: private call {} to {} via the IWF's LMR control port {}:{}", id, f.to,
               control.first, control.second);
  KB_TRY(auto reply, sock.Ask(ask, 15s));
  if (!reply["status"].starts_with("200")) {
    std::printf("%s\n", nlohmann::json({{"to", f.to}, {"status", reply["status"]}}).dump().c_str());
    return Fail(Error::Unauthorised(fmt::format("private call to {}: {}", f.to, reply["status"])));
  }
  KB_TRY(auto lmr, ParseHostPort(reply["lmr"], "lmr"));
  spdlog::info("radio: private call {} to {} connected; LDUs to {}:{}", id, f.to, lmr.first,
               lmr.second);

  p25::MessageIndicator mi;
  Bytes r = crypto::RandomBytes(p25::MessageIndicator::kSize);
  r[0] |= 1;
  KB_TRY(mi, p25::MessageIndicator::Parse(r));
  KB_TRY(auto encryptor, media::P25VoiceEncryptor::Create(tek.algid, tek.kid, tek.key.Clone(), mi));
  asio::io_context io;
  media::RtpSessionConfig rc;
  rc.name = "radio private call";
  rc.ssrc = RandomU32();
  rc.payload_type = call::InfoOf(call::Codec::kP25Imbe).payload_type;
  rc.first_sequence_number = static_cast<uint16_t>(RandomU32());
  media::RtpSession leg(io, rc, nullptr);
  KB_CHECK(leg.Open());
  leg.SetRemote(lmr.first, lmr.second);
  media::SyntheticImbeSource synthetic(f.seed);
  Bytes sent;
  uint32_t timestamp = RandomU32();
  auto next = std::chrono::steady_clock::now();
  for (size_t i = 0; i < f.ldus; ++i) {
    auto frames = synthetic.NextLdu();
    for (const auto& fr : frames) sent.insert(sent.end(), fr.begin(), fr.end());
    KB_TRY(media::P25LduPayload payload, encryptor.Seal(frames));
    KB_CHECK(leg.Send(payload.Encode(), timestamp, i == 0));
    timestamp += media::kP25LduTimestampStep;
    next += std::chrono::milliseconds(f.interval_ms);
    std::this_thread::sleep_until(next);
  }
  std::this_thread::sleep_for(200ms);  // the last packets reach the MC user before the BYE
  KB_TRY(auto ended, sock.Ask(fmt::format("{}\ncall: {}\nend\n", kPrivateCallMagic, id), 5s));
  if (!f.frames_out.empty()) {
    KB_CHECK(WriteBinaryFile(f.frames_out, sent));
  }
  std::printf("%s\n", nlohmann::json({{"to", f.to},
                                      {"status", reply["status"]},
                                      {"ended", ended["status"]},
                                      {"ldus", f.ldus},
                                      {"frames", sent.size() / p25::kImbeFrameSize},
                                      {"packets", leg.counters().sent}})
                          .dump()
                          .c_str());
  return Ok();
}

}  // namespace

void RegisterPrivateCallCommands(CLI::App& call, CLI::App& radio) {
  static AnswerFlags a;
  auto* answer = call.add_subcommand(
      "answer",
      "wait for one private call (registered with the MC service server), open its PCK, answer, "
      "receive; prints JSON");
  answer->add_option("--config", a.config, "configuration file")->required();
  answer->add_option("--node", a.node, "the MC client node (user, password_file, mc_server, calls)")
      ->required();
  answer->add_option("--seconds", a.seconds, "how long to wait and listen")->capture_default_str();
  answer->add_option("--tek-file", a.tek_file, "the LMR TEK (key-fill file): accept LMR E2EE");
  answer->add_option("--frames-out", a.frames_out, "E2EE: the recovered IMBE codewords (raw)");
  answer->callback([] { ExitCode() = Report(RunAnswer(a)); });

  static RadioCallFlags r;
  auto* rc = radio.add_subcommand(
      "call",
      "private call to an MC user through the IWF (LMR control datagram), send LMR-encrypted "
      "LDUs; prints JSON");
  rc->add_option("--config", r.config, "configuration file (finds the IWF's control port)");
  rc->add_option("--iwf-node", r.iwf_node, "the IWF node")->capture_default_str();
  rc->add_option("--control", r.control, "host:port of the IWF's LMR control port");
  rc->add_option("--to", r.to, "the MC user, e.g. sip:alice@example.org")->required();
  rc->add_option("--tek-file", r.tek_file, "the TEK shared with the MC user (key-fill file)")
      ->required();
  rc->add_option("--ldus", r.ldus, "LDUs to send (180 ms each)")->capture_default_str();
  rc->add_option("--interval-ms", r.interval_ms, "pace")->capture_default_str();
  rc->add_option("--seed", r.seed, "synthetic codeword seed")->capture_default_str();
  rc->add_option("--frames-out", r.frames_out, "the clear IMBE codewords sent (raw)");
  rc->add_option("--sign-as", r.sign_as,
                 "test only: ask the IWF to sign the PCK as this test signer")
      ->group("");
  rc->callback([] { ExitCode() = Report(RunRadioCall(r)); });
}

}  // namespace kb::app
