// TS 23.283 10.12 end-to-end test tool (docs/iwf.md "Tests"): an LMR-aware MC service client
// reduced to what the IWF/KMF tests need: registers its MC service ID with the MC service
// server, gives every P25 payload it receives to a p25 SubscriberUnit provisioned with the
// unit's UKEK and MAC key, sends the 10.12 response and the unit's answer (a new request to the
// LMR security FE, in the carrier the command came in), and exits after --expect answers.
// Optionally sends a Hello (rekey request) first. Prints one line per event; never keys.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/encoding.h"
#include "mc_endpoint/mc_endpoint.h"
#include "p25/hello.h"
#include "p25/kmm.h"
#include "p25/kmm_mac.h"
#include "p25/subscriber_unit.h"

namespace {

using namespace kb;

struct Args {
  std::string identity, password_file, server = "127.0.0.1:5060", transport = "udp";
  std::string fe = "sip:iwf@example.org", carrier = "interworking-data";
  uint32_t rsi = 0, kmf_rsi = p25::kDefaultKmfRsi;
  std::string ukek, mac_key;
  uint16_t ukek_kid = 1, mac_kid = 0;
  int expect = 1, timeout = 20;
  bool hello = false;
  bool spoof = false;  // send the Hello with another source RSI (rsi + 1)
};

std::mutex g_mu;
std::condition_variable g_cv;
int g_answered = 0, g_sends_pending = 0, g_send_failures = 0;

void Print(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

int Run(const Args& a) {
  mc_endpoint::McEndpointConfig cfg;
  cfg.identity = a.identity;
  {
    std::ifstream f(a.password_file);
    std::string pw;
    std::getline(f, pw);
    if (pw.empty()) {
      Print("cannot read the password file");
      return 2;
    }
    cfg.password = SecretBytes::Adopt(Bytes(pw.begin(), pw.end()));
  }
  size_t colon = a.server.rfind(':');
  cfg.server.transport = a.transport == "tcp" ? net::Transport::kTcp : net::Transport::kUdp;
  cfg.server.host = a.server.substr(0, colon);
  cfg.server.port = static_cast<uint16_t>(std::stoul(a.server.substr(colon + 1)));
  std::string id = a.identity.substr(a.identity.find(':') + 1);
  cfg.stack.user = id.substr(0, id.find('@'));
  cfg.stack.domain = id.substr(id.find('@') + 1);
  cfg.stack.t1 = std::chrono::milliseconds(100);

  auto ukek = FromHex(a.ukek, "--ukek");
  auto mac = FromHex(a.mac_key.empty() ? a.ukek : a.mac_key, "--mac-key");
  if (!ukek || !mac) {
    Print("bad key hex");
    return 2;
  }
  uint16_t mac_kid = a.mac_key.empty() ? a.ukek_kid : a.mac_kid;
  p25::KeyStore keys;
  (void)keys.Put(p25::kKekKeysetId, 0x84, a.ukek_kid, 0, SecretBytes::Adopt(std::move(*ukek)));
  if (mac_kid != a.ukek_kid)
    (void)keys.Put(p25::kKekKeysetId, 0x84, mac_kid, 0, SecretBytes::Adopt(Bytes(*mac)));
  SecretBytes mac_key = SecretBytes::Adopt(std::move(*mac));
  p25::SubscriberUnitConfig su_cfg;
  su_cfg.individual_rsi = a.rsi;
  su_cfg.kmf_rsi = a.kmf_rsi;
  p25::SubscriberUnit su(su_cfg, std::move(keys));

  auto ep = mc_endpoint::McEndpoint::Start(std::move(cfg));
  if (!ep) {
    Print("endpoint: " + ep.error().ToString());
    return 2;
  }
  mc_endpoint::McEndpoint& endpoint = **ep;
  auto sent = [](std::string what) {
    return [what](Result<mc_endpoint::SendOutcome> r) {
      std::lock_guard lock(g_mu);
      --g_sends_pending;
      if (!r || !r->accepted()) ++g_send_failures;
      Print(what + ": " + (r ? std::to_string(r->status) + " " + r->reason : r.error().ToString()));
      g_cv.notify_all();
    };
  };
  // Sends an SU answer toward the LMR security FE in the given carrier.
  auto send_kmm = [&](const std::string& fe, mc_endpoint::Carrier carrier, Bytes kmm,
                      std::string what) {
    {
      std::lock_guard lock(g_mu);
      ++g_sends_pending;
    }
    if (carrier == mc_endpoint::Carrier::kSds) {
      mc_endpoint::SdsSecurityMessage sds;
      sds.addressing.request_uri = fe;
      sds.addressing.calling_user_id = a.identity;
      sds.payload = std::move(kmm);
      sds.message_id = mc_endpoint::NewMessageId();
      endpoint.SendSds(std::move(sds), sent(what));
    } else {
      mc::SecurityMessageRequest req;
      req.mc_service_id = a.identity;
      req.lmr_security_fe_uri = fe;
      req.lmr_type = mc::LmrType::kP25;
      req.payload = std::move(kmm);
      endpoint.Send(fe, std::move(req), sent(what));
    }
  };

  endpoint.SetMessageHandler([&](const mc_endpoint::ReceivedMessage& m) -> Status {
    std::string fe;
    Bytes payload;
    if (const auto* b = std::get_if<mc_endpoint::SecurityMessageBody>(&m.body)) {
      if (const auto* req = std::get_if<mc::SecurityMessageRequest>(&b->message)) {
        fe = req->lmr_security_fe_uri;
        payload = req->payload;
        if (req->lmr_type != mc::LmrType::kP25)
          return Fail(Error::Unsupported("only P25 payloads are handled here"));
      } else {
        Print(std::string("received ") + mc_endpoint::MessageKindName(m.body) + " from " + m.from);
        return Ok();
      }
    } else {
      const auto& sds = std::get<mc_endpoint::SdsSecurityMessage>(m.body);
      if (sds.in_reply_to) {
        Print("received sds-response from " + m.from);
        return Ok();
      }
      fe = m.from;
      payload = sds.payload;
    }
    auto reaction = su.Process(payload);
    if (!reaction) {
      Print("KMM from " + m.from + " not processed: " + reaction.error().ToString());
      return Fail(Error::Malformed(reaction.error().message()));
    }
    Print(fmt::format("received KMM 0x{:02x} from {} ({}), status 0x{:02x}, {} keys held",
                      static_cast<int>(reaction->command), m.from,
                      mc_endpoint::CarrierName(m.carrier), static_cast<int>(reaction->status),
                      su.keys().KeyCount()));
    {
      std::lock_guard lock(g_mu);
      ++g_sends_pending;
    }
    endpoint.SendResponse(m, sent("10.12 response"));
    if (reaction->response) {
      auto route = p25::DecodeKmmFrame(*reaction->response);
      send_kmm(fe, m.carrier, *reaction->response,
               fmt::format("answer KMM 0x{:02x} to {}",
                           route ? static_cast<int>(route->header.message_id) : 0, fe));
    }
    std::lock_guard lock(g_mu);
    ++g_answered;
    g_cv.notify_all();
    return Ok();
  });
  endpoint.Register();
  if (auto st = endpoint.WaitRegistered(std::chrono::seconds(10)); !st) {
    Print("not registered: " + st.error().ToString());
    return 1;
  }
  Print("registered as " + a.identity);

  if (a.hello) {
    p25::Kmm k;
    k.header.response_kind = p25::ResponseKind::kDelayed;
    k.header.destination_rsi = a.kmf_rsi;
    k.header.source_rsi = a.spoof ? a.rsi + 1 : a.rsi;
    k.header.message_number = 1;
    k.body = p25::Hello{p25::Hello::kRekeyRequestWithUkek};
    auto kmm = p25::EncodeSignedKmm(k, p25::MacFormat::kCmac, mac_kid, mac_key);
    if (!kmm) {
      Print("hello: " + kmm.error().ToString());
      return 2;
    }
    send_kmm(
        a.fe,
        a.carrier == "sds" ? mc_endpoint::Carrier::kSds : mc_endpoint::Carrier::kInterworkingData,
        std::move(*kmm), "hello to " + a.fe);
  }

  std::unique_lock lock(g_mu);
  bool done = g_cv.wait_for(lock, std::chrono::seconds(a.timeout),
                            [&] { return g_answered >= a.expect && g_sends_pending == 0; });
  Print(fmt::format("answered {} commands, {} sends failed", g_answered, g_send_failures));
  lock.unlock();
  endpoint.Unregister();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return done && g_send_failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"keybridge test LMR-aware client (P25 subscriber unit behind an MC endpoint)"};
  Args a;
  app.add_option("--identity", a.identity, "MC service ID")->required();
  app.add_option("--password-file", a.password_file, "digest password (first line)")->required();
  app.add_option("--server", a.server, "MC service server address:port");
  app.add_option("--transport", a.transport, "udp or tcp");
  app.add_option("--rsi", a.rsi, "the unit's RSI")->required();
  app.add_option("--kmf-rsi", a.kmf_rsi, "the KMF's RSI");
  app.add_option("--ukek", a.ukek, "UKEK, hex")->required();
  app.add_option("--ukek-kid", a.ukek_kid, "UKEK key ID");
  app.add_option("--mac-key", a.mac_key, "MAC key, hex (default: the UKEK)");
  app.add_option("--mac-kid", a.mac_kid, "MAC key ID");
  app.add_option("--fe", a.fe, "URI of the LMR security FE (for --hello)");
  app.add_option("--carrier", a.carrier, "carrier of --hello: interworking-data or sds");
  app.add_option("--expect", a.expect, "exit after answering this many commands");
  app.add_option("--timeout", a.timeout, "seconds");
  app.add_flag("--hello", a.hello, "send a Hello (rekey request) first");
  app.add_flag("--spoof", a.spoof, "send the Hello with another unit's source RSI");
  CLI11_PARSE(app, argc, argv);
  return Run(a);
}
