// keybridge serve --role radio: an emulated P25 radio (TIA-102.AACA 9, subscriber unit) on the
// emulated RF link: UDP datagrams with the 14-octet DLI preamble (TIA-102.AACD, src/iwf/
// dli_preamble.h) straight from and to the KMF's UDP face (docs/radio.md). The SU engine and
// its sealed key store are the client's (client::ClientCore); the control socket answers keys,
// hello, rekey-request and import-root-key as a client node does.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>

#include "app/client_node.h"
#include "app/control_server.h"
#include "app/mc_endpoint_config.h"
#include "app/node_status.h"
#include "app/roles.h"
#include "iwf/dli_preamble.h"
#include "iwf/dli_socket.h"
#include "iwf/kmm_route.h"
#include "p25/message_id.h"

namespace kb::app {
namespace {

std::string KmmName(uint8_t id) {
  return fmt::format("{} (0x{:02x})", p25::MessageIdName(static_cast<p25::MessageId>(id)), id);
}

struct RadioCounters {
  std::atomic<uint64_t> received{0}, processed{0}, errors{0}, dropped{0}, sent{0}, send_failures{0};
  nlohmann::json ToJson() const {
    return {{"received", received.load()}, {"processed", processed.load()},
            {"errors", errors.load()},     {"dropped", dropped.load()},
            {"sent", sent.load()},         {"send_failures", send_failures.load()}};
  }
};

class Radio {
 public:
  Radio(std::string name, client::ClientCore& core, iwf::UdpPeer kmf)
      : name_(std::move(name)), core_(core), kmf_(std::move(kmf)) {}

  void Attach(iwf::DliSocket* socket) { socket_.store(socket); }
  const RadioCounters& counters() const { return counters_; }

  // One datagram from the KMF: preamble + clear KMM to the SU engine; its answer goes back.
  void OnDatagram(ByteView datagram, const iwf::UdpPeer& from) {
    counters_.received.fetch_add(1);
    auto dg = iwf::DecodeDliDatagram(datagram);
    if (!dg) {
      counters_.dropped.fetch_add(1);
      spdlog::warn("{} -> {}: datagram dropped: {}", from.ToString(), name_, dg.error().ToString());
      return;
    }
    if (!dg->preamble.IsClear()) {
      counters_.dropped.fetch_add(1);
      spdlog::warn("{} -> {}: datagram dropped: encrypted DLI payload (ALGID 0x{:02x})",
                   from.ToString(), name_, dg->preamble.algid);
      return;
    }
    auto route = iwf::ReadKmmRoute(dg->kmm);
    std::string what = route ? fmt::format("{} from RSI {} to RSI {}", KmmName(route->message_id),
                                           route->source_rsi, route->destination_rsi)
                             : std::string("KMM");
    auto answer = core_.HandleKmm(dg->kmm);
    if (!answer) {
      counters_.errors.fetch_add(1);
      spdlog::warn("{} -> {}: {} refused: {}", from.ToString(), name_, what,
                   answer.error().ToString());
      return;
    }
    counters_.processed.fetch_add(1);
    spdlog::info("{} -> {}: {}: status 0x{:02x}", from.ToString(), name_, what,
                 static_cast<unsigned>(answer->status));
    if (answer->kmm) Send(*answer->kmm);
  }

  // Sends one KMM of the unit to the KMF.
  Status Send(ByteView kmm) {
    auto route = iwf::ReadKmmRoute(kmm);
    std::string what = route ? KmmName(route->message_id) : std::string("KMM");
    iwf::DliSocket* s = socket_.load();
    Status st = s ? s->SendTo(kmf_, iwf::EncodeDliDatagram(iwf::DliPreamble{}, kmm))
                  : Fail(Error::Io("the radio's socket is not open yet"));
    if (!st) {
      counters_.send_failures.fetch_add(1);
      spdlog::warn("{} -> KMF {}: {} not sent: {}", name_, kmf_.ToString(), what,
                   st.error().ToString());
      return st;
    }
    counters_.sent.fetch_add(1);
    spdlog::info("{} -> KMF {}: {} ({} octets)", name_, kmf_.ToString(), what, kmm.size());
    return Ok();
  }

 private:
  std::string name_;
  client::ClientCore& core_;
  iwf::UdpPeer kmf_;
  std::atomic<iwf::DliSocket*> socket_{nullptr};
  RadioCounters counters_;
};

nlohmann::json Execute(const std::string& line, client::ClientCore& core, Radio& radio,
                       const std::string& name) {
  if (line == "keys") {
    nlohmann::json j = core.Report();
    j["ok"] = true;
    j["counters"] = radio.counters().ToJson();
    return j;
  }
  if (line == "hello" || line == "rekey-request") {
    auto kmm = core.BuildHello(line == "rekey-request");
    if (!kmm) return ControlRefusal(kmm.error());
    if (auto st = radio.Send(*kmm); !st) return ControlRefusal(st.error());
    return {{"ok", true}, {"sent", line}};
  }
  if (line.starts_with("import-root-key "))
    return ControlImportRootKey(core, line.substr(16), name);
  return ControlRefusal(Error::InvalidArgument("unknown control command"));
}

Status Run(const RoleContext& ctx) {
  KB_TRY(RadioNodeConfig c, ReadRadioNodeConfig(ctx));
  KB_TRY(auto core, OpenRadioCore(ctx, c));
  KB_TRY(iwf::UdpPeer kmf, iwf::ParseUdpPeer(c.kmf));
  KB_TRY(auto listen, ParseHostPort(c.dli_listen, "dli_listen"));
  std::string name = fmt::format("radio {} (RSI {})", ctx.node, core->rsi());
  Radio radio(name, *core, kmf);

  iwf::DliSocket::Options so;
  so.bind_address = listen.first;
  so.port = listen.second;
  if (c.only_from_kmf) so.only_from = kmf;
  KB_TRY(auto socket,
         iwf::DliSocket::Start(so, [&radio](ByteView datagram, const iwf::UdpPeer& from) {
           radio.OnDatagram(datagram, from);
         }));
  radio.Attach(socket.get());
  std::string udp = fmt::format("udp://{}:{}", so.bind_address, socket->port());
  KB_TRY(auto control, ControlServer::Open(ControlSocketPath(ctx)));
  spdlog::info("{}: listening on {} (KMF {}), key store {} ({} keys), control socket {}", name, udp,
               kmf.ToString(), (ctx.data_dir / "su-state.sealed").string(),
               core->Report()["key_count"].get<size_t>(), ControlSocketPath(ctx).string());

  auto last_status = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  while (ctx.stop == nullptr || !ctx.stop->load()) {
    int conn = -1;
    auto line = control->Next(200, &conn);
    if (std::chrono::steady_clock::now() - last_status >= std::chrono::seconds(1)) {
      last_status = std::chrono::steady_clock::now();
      (void)WriteNodeStatus(ctx, radio.counters().ToJson(), {udp});
    }
    if (!line) continue;
    ControlServer::Answer(conn, Execute(*line, *core, radio, name));
  }
  spdlog::info("{}: stopping", name);
  radio.Attach(nullptr);
  socket.reset();
  return Ok();
}

}  // namespace

int RunRadioRole(const RoleContext& ctx) {
  if (auto st = Run(ctx); !st) {
    spdlog::error("radio: {}", st.error().ToString());
    return 1;
  }
  return 0;
}

}  // namespace kb::app
