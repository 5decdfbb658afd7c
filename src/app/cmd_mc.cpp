// keybridge mc send|listen: a small TS 23.283 10.12 endpoint on the command line, for tests and
// demonstrations of the MC service server (docs/mc-server.md, "Command line").
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/commands.h"
#include "app/roles.h"
#include "core/encoding.h"
#include "mc_endpoint/mc_endpoint.h"
#include "net/sip_multipart.h"

namespace kb::app {
namespace {

struct McFlags {
  std::string identity, password_file, server = "tcp:127.0.0.1:5060", bind = "127.0.0.1";
  // send
  std::string to, mc_service_id, fe_uri, lmr_type = "p25", payload_hex, message_id_hex,
                                         raw_container_hex, spoof_from;
  bool sds = false, response = false, no_register = false;
  int count = 1;
  // listen
  bool respond = false;
  int expect = 0;
  int refresh_ms = 0;
  int t1_ms = 500;
};

Result<net::SipEndpoint> ParseServer(const std::string& s) {
  net::SipEndpoint e;
  std::string rest = s;
  if (rest.starts_with("udp:")) {
    e.transport = net::Transport::kUdp;
    rest = rest.substr(4);
  } else if (rest.starts_with("tcp:")) {
    e.transport = net::Transport::kTcp;
    rest = rest.substr(4);
  }
  auto colon = rest.rfind(':');
  if (colon == std::string::npos)
    return Fail(Error::InvalidArgument("--server: [udp:|tcp:]host:port"));
  e.host = rest.substr(0, colon);
  int port = std::atoi(rest.substr(colon + 1).c_str());
  if (port <= 0 || port > 65535) return Fail(Error::InvalidArgument("--server: bad port"));
  e.port = static_cast<uint16_t>(port);
  return e;
}

Result<std::unique_ptr<mc_endpoint::McEndpoint>> StartEndpoint(const McFlags& f) {
  mc_endpoint::McEndpointConfig c;
  c.identity = f.identity;
  KB_TRY(c.server, ParseServer(f.server));
  if (!f.password_file.empty()) {
    std::ifstream in(f.password_file);
    if (!in) return Fail(Error::Io("cannot read " + f.password_file));
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    c.password = SecretBytes(AsBytes(line));
  }
  c.stack.bind_address = f.bind;
  c.stack.t1 = std::chrono::milliseconds(f.t1_ms);
  c.stack.t2 = std::max(c.stack.t2, c.stack.t1);
  c.stack.max_message_size = 65535 + 16384;
  c.refresh = std::chrono::milliseconds(f.refresh_ms);
  c.retry = std::chrono::milliseconds(std::max(200, f.refresh_ms));
  return mc_endpoint::McEndpoint::Start(std::move(c));
}

nlohmann::json Describe(const mc_endpoint::ReceivedMessage& m) {
  nlohmann::json j;
  j["from"] = m.from;
  j["carrier"] = mc_endpoint::CarrierName(m.carrier);
  j["kind"] = mc_endpoint::MessageKindName(m.body);
  if (auto id = mc_endpoint::MessageIdOf(m.body)) j["message_id"] = ToHex(*id);
  if (const auto* sds = std::get_if<mc_endpoint::SdsSecurityMessage>(&m.body)) {
    j["lmr_type"] = mc::LmrTypeName(sds->lmr_type);
    j["payload"] = ToHex(sds->payload);
    if (sds->in_reply_to) j["in_reply_to"] = ToHex(*sds->in_reply_to);
    j["calling_user_id"] = sds->addressing.calling_user_id;
    return j;
  }
  const auto& body = std::get<mc_endpoint::SecurityMessageBody>(m.body);
  j["calling_user_id"] = body.addressing.calling_user_id;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, mc::IwfShortMessage>) {
          j["mc_service_id"] = v.mc_id;
          j["lmr_type"] = mc::LmrTypeName(v.lmr_type);
          j["payload"] = ToHex(v.payload);
        } else {
          j["mc_service_id"] = v.mc_service_id;
          j["lmr_security_fe_uri"] = v.lmr_security_fe_uri;
          if constexpr (std::is_same_v<T, mc::SecurityMessageRequest>) {
            if (v.lmr_type) j["lmr_type"] = mc::LmrTypeName(*v.lmr_type);
            j["payload"] = ToHex(v.payload);
          }
        }
      },
      body.message);
  return j;
}

void Print(const nlohmann::json& j) {
  std::string s = j.dump() + "\n";
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

// Removes our binding before exiting (bounded wait), so the server does not keep a dead contact.
void Unregister(mc_endpoint::McEndpoint& ep) {
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  ep.Unregister([done](Status) { done->set_value(); });
  fut.wait_for(std::chrono::seconds(2));
}

Status Register(mc_endpoint::McEndpoint& ep) {
  ep.Register();
  KB_CHECK(ep.WaitRegistered(std::chrono::seconds(10)));
  Print({{"event", "registered"}, {"identity", ep.identity()}, {"contact", ep.contact()}});
  return Ok();
}

// The body, or raw parts when --raw-container is given (tests of malformed bodies).
Result<std::vector<net::BodyPart>> SendParts(const McFlags& f, const mc::InterworkingMessage& m) {
  KB_TRY(auto parts, mc_endpoint::BuildSecurityMessageBody(
                         {f.to, f.spoof_from.empty() ? f.identity : f.spoof_from}, m));
  if (!f.raw_container_hex.empty()) {
    KB_TRY(parts[1].data, FromHex(f.raw_container_hex, "--raw-container"));
  }
  return parts;
}

Status RunSend(const McFlags& f) {
  KB_TRY(auto ep, StartEndpoint(f));
  if (!f.no_register) KB_CHECK(Register(*ep));
  KB_TRY(Bytes payload, FromHex(f.payload_hex, "--payload"));
  KB_TRY(mc::LmrType type, mc::ParseLmrTypeName(f.lmr_type));
  int failures = 0;
  for (int i = 0; i < f.count; ++i) {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Result<mc_endpoint::SendOutcome>> outcome;
    auto done = [&](Result<mc_endpoint::SendOutcome> r) {
      std::lock_guard l(mu);
      outcome = std::move(r);
      cv.notify_all();
    };
    mc::MessageId id = mc_endpoint::NewMessageId();
    if (!f.message_id_hex.empty()) {
      KB_TRY(Bytes b, FromHex(f.message_id_hex, "--message-id"));
      if (b.size() != id.size()) return Fail(Error::InvalidArgument("--message-id: 16 octets"));
      std::copy(b.begin(), b.end(), id.begin());
    }
    Bytes p = payload;
    if (f.count > 1 && !p.empty()) p.back() = static_cast<uint8_t>(p.back() + i);
    if (f.sds) {
      mc_endpoint::SdsSecurityMessage m;
      m.addressing.request_uri = f.to;
      m.lmr_type = type;
      m.payload = p;
      m.message_id = id;
      ep->SendSds(std::move(m), done);
    } else {
      mc::InterworkingMessage m;
      if (f.response) {
        m = mc::SecurityMessageResponse{f.mc_service_id, f.fe_uri, id};
      } else {
        m = mc::SecurityMessageRequest{f.mc_service_id, f.fe_uri, type, p, id};
      }
      if (f.raw_container_hex.empty() && f.spoof_from.empty()) {
        ep->Send(f.to, std::move(m), done);
      } else {
        KB_TRY(auto parts, SendParts(f, m));
        std::string from = f.spoof_from.empty() ? f.identity : f.spoof_from;
        KB_TRY(auto req, ep->stack().NewRequest("MESSAGE", f.to, f.to, from));
        KB_CHECK(net::SetMultipartBody(req, parts));
        KB_TRY(auto server, ParseServer(f.server));
        ep->stack().SendRequest(std::move(req), server, [done](Result<net::SipMessage> r) {
          if (!r) return done(Fail(r.error()));
          done(mc_endpoint::SendOutcome{r->StatusCode(), r->ReasonPhrase()});
        });
      }
    }
    std::unique_lock l(mu);
    cv.wait(l, [&] { return outcome.has_value(); });
    if (!*outcome) {
      Print({{"event", "error"}, {"error", outcome->error().message()}});
      ++failures;
      continue;
    }
    Print({{"event", "sent"},
           {"status", (*outcome)->status},
           {"reason", (*outcome)->reason},
           {"message_id", ToHex(id)}});
    if (!(*outcome)->accepted()) ++failures;
  }
  if (!f.no_register) Unregister(*ep);
  return failures == 0 ? Ok() : Status(Fail(Error::Unauthorised("not every message was accepted")));
}

Status RunListen(const McFlags& f) {
  static std::atomic<bool> stop{false};
  InstallStopSignals(&stop);
  KB_TRY(auto ep, StartEndpoint(f));
  std::mutex mu;
  std::condition_variable cv;
  int received = 0;
  mc_endpoint::McEndpoint* raw = ep.get();
  ep->SetMessageHandler([&, raw](const mc_endpoint::ReceivedMessage& m) -> Status {
    Print(Describe(m));
    std::string kind = mc_endpoint::MessageKindName(m.body);
    if (f.respond && (kind == "request" || kind == "short-message" || kind == "sds-request")) {
      raw->SendResponse(m, [](Result<mc_endpoint::SendOutcome> r) {
        if (!r) spdlog::warn("mc listen: response not sent: {}", r.error().message());
      });
    }
    std::lock_guard l(mu);
    ++received;
    cv.notify_all();
    return Ok();
  });
  KB_CHECK(Register(*ep));
  std::unique_lock l(mu);
  while (!stop.load() && (f.expect == 0 || received < f.expect)) {
    cv.wait_for(l, std::chrono::milliseconds(100));
  }
  l.unlock();
  // Let the last 200 (and responses) leave before the stack stops.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Unregister(*ep);
  return Ok();
}

void CommonFlags(CLI::App* c, McFlags& f) {
  c->add_option("--identity", f.identity, "our MC service ID, e.g. sip:alice@example.org")
      ->required();
  c->add_option("--password-file", f.password_file, "file whose first line is the password");
  c->add_option("--server", f.server, "the MC service server: [udp:|tcp:]host:port");
  c->add_option("--bind", f.bind, "local address");
  c->add_option("--refresh-ms", f.refresh_ms, "registration refresh period (0: half the lifetime)");
  c->add_option("--t1-ms", f.t1_ms, "SIP timer T1");
}

}  // namespace

void RegisterMcCommands(CLI::App& app) {
  static McFlags f;
  auto* mc = app.add_subcommand("mc", "LMR security messages over SIP (development/test endpoint)");
  mc->group("");  // hidden: a development tool
  mc->require_subcommand(1);
  auto* send = mc->add_subcommand("send", "register, send security messages, print the outcome");
  CommonFlags(send, f);
  send->add_option("--to", f.to, "Request-URI: the LMR security FE or the target MC service ID")
      ->required();
  send->add_option("--mc-service-id", f.mc_service_id, "MC service ID IE (default: identity)");
  send->add_option("--fe-uri", f.fe_uri, "URI of the LMR security FE IE (default: --to)");
  send->add_option("--lmr-type", f.lmr_type, "p25 or tetra");
  send->add_option("--payload", f.payload_hex, "payload, hex");
  send->add_option("--message-id", f.message_id_hex, "keybridge message ID, 32 hex digits");
  send->add_option("--count", f.count, "messages to send (the last payload octet counts up)");
  send->add_flag("--sds", f.sds, "use the MCData SDS carrier");
  send->add_flag("--response", f.response, "send a 10.12 response instead of a request");
  send->add_flag("--no-register", f.no_register, "send without registering first");
  send->add_option("--raw-container", f.raw_container_hex, "test: replace the container (hex)");
  send->add_option("--spoof-from", f.spoof_from, "test: another From and calling user ID");
  send->callback([] {
    if (f.mc_service_id.empty()) f.mc_service_id = f.identity;
    if (f.fe_uri.empty()) f.fe_uri = f.to;
    auto st = RunSend(f);
    if (!st) std::fprintf(stderr, "keybridge: %s\n", st.error().message().c_str());
    ExitCode() = st ? 0 : 1;
  });
  auto* listen = mc->add_subcommand("listen", "register and print received messages as JSON");
  CommonFlags(listen, f);
  listen->add_flag("--respond", f.respond, "answer each request with the 10.12 response");
  listen->add_option("--count", f.expect, "exit after this many messages (0: until SIGTERM)");
  listen->callback([] {
    auto st = RunListen(f);
    if (!st) std::fprintf(stderr, "keybridge: %s\n", st.error().message().c_str());
    ExitCode() = st ? 0 : 1;
  });
}

}  // namespace kb::app
