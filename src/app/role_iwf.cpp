// keybridge serve --role iwf: the IWF's LMR security transport (TS 23.283 10.12; docs/iwf.md):
// registers with the MC service server as its own identity, listens for the LMR-hosted KMF on
// UDP (DLI preamble, port 64414) and relays KMMs both ways by the RSI <-> MC service ID map.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "app/iwf_calls.h"
#include "app/iwf_private_call.h"
#include "app/mc_endpoint_config.h"
#include "app/node_status.h"
#include "app/role_config.h"
#include "app/roles.h"
#include "iwf/dli_socket.h"
#include "iwf/iwf_mc_face.h"
#include "iwf/iwf_relay.h"
#include "store/sqlite_iwf_outbox.h"

namespace kb::app {
namespace {

// The relay's LMR face: the DLI socket, sending to the configured KMF.
class DliLmrFace final : public iwf::LmrFace {
 public:
  explicit DliLmrFace(iwf::UdpPeer kmf) : kmf_(std::move(kmf)) {}
  void SetSocket(iwf::DliSocket* s) { socket_ = s; }
  Status SendToKmf(ByteView datagram) override {
    if (socket_ == nullptr) return Fail(Error::Io("DLI socket not open yet"));
    return socket_->SendTo(kmf_, datagram);
  }

 private:
  iwf::UdpPeer kmf_;
  iwf::DliSocket* socket_ = nullptr;
};

}  // namespace

namespace {

Status Run(const RoleContext& ctx) {
  KB_TRY(auto ep_config, ReadMcEndpointConfig(ctx, "sip:iwf@example.org", 5070));
  KB_TRY(iwf::RsiMap map, ReadRsiMap(ctx));
  KB_TRY(std::string dli_listen, Get<std::string>(ctx.config, "dli_listen", "127.0.0.1:64414"));
  KB_TRY(auto dli_hp, ParseHostPort(dli_listen, "dli_listen"));
  KB_TRY(std::string kmf_text, Get<std::string>(ctx.config, "kmf", "127.0.0.1:49644"));
  KB_TRY(iwf::UdpPeer kmf, iwf::ParseUdpPeer(kmf_text));
  KB_TRY(bool only_from_kmf, Get<bool>(ctx.config, "only_from_kmf", true));
  iwf::RelayOptions options;
  options.own_uri = ep_config.identity;
  KB_TRY(options.max_in_flight, Get<size_t>(ctx.config, "max_in_flight", options.max_in_flight));
  KB_TRY(options.dedup_window_ms,
         Get<int64_t>(ctx.config, "dedup_window_ms", options.dedup_window_ms));
  KB_TRY(auto storage, NodeStorage(ctx));  // SQLite: data_dir/iwf-outbox.sqlite
  KB_TRY(auto outbox, store::SqliteIwfOutbox::Open(storage));

  size_t mapped = map.size();
  net::SipEndpoint mc_server = ep_config.server;
  KB_TRY(auto endpoint, mc_endpoint::McEndpoint::Start(std::move(ep_config)));
  iwf::IwfMcFace mc_face(*endpoint);
  DliLmrFace lmr_face(kmf);
  KB_TRY(auto relay, iwf::IwfRelay::Create(std::move(map), *outbox, mc_face, lmr_face, options));
  mc_face.Attach(*relay);

  iwf::DliSocket::Options so;
  so.bind_address = dli_hp.first;
  so.port = dli_hp.second;
  if (only_from_kmf) so.only_from = kmf;
  iwf::IwfRelay* r = relay.get();
  KB_TRY(auto socket,
         iwf::DliSocket::Start(so, [r](ByteView d, const iwf::UdpPeer&) { r->OnKmfDatagram(d); }));
  lmr_face.SetSocket(socket.get());

  // Group calls (docs/calls.md "Group calls through the IWF"): INVITEs on the same SIP stack.
  std::unique_ptr<IwfCalls> calls;
  if (ctx.config["calls"]) {
    KB_TRY(calls,
           IwfCalls::Start(ctx, ctx.config["calls"], endpoint->identity(), endpoint->stack()));
  }
  // Private calls LMR radio -> MC user (docs/calls.md): PCK by the IWF, INVITE via the server.
  std::unique_ptr<IwfPrivateCalls> private_calls;
  if (ctx.config["calls"] && ctx.config["calls"]["private_calls"]) {
    KB_TRY(private_calls, IwfPrivateCalls::Start(ctx, ctx.config["calls"], endpoint->identity(),
                                                 endpoint->stack(), mc_server));
  }

  endpoint->Register([id = endpoint->identity()](Status st) {
    if (st)
      spdlog::info("IWF: registered as {}", id);
    else
      spdlog::warn("IWF: registration of {} failed: {}", id, st.error().ToString());
  });
  spdlog::info("IWF {} up: SIP {}, DLI UDP {}:{} <-> KMF {}, {} RSIs mapped", endpoint->identity(),
               endpoint->contact(), so.bind_address, socket->port(), kmf.ToString(), mapped);

  auto last_log = std::chrono::steady_clock::now();
  auto last_status = last_log - std::chrono::seconds(1);
  while (!ctx.stop->load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    relay->Pump();
    if (std::chrono::steady_clock::now() - last_status >= std::chrono::seconds(1)) {
      last_status = std::chrono::steady_clock::now();
      auto c = relay->counters();
      (void)WriteNodeStatus(ctx, {{"from_kmf", c.from_kmf},
                                  {"to_mc_accepted", c.to_mc_accepted},
                                  {"to_mc_refused", c.to_mc_refused},
                                  {"from_mc", c.from_mc},
                                  {"to_kmf", c.to_kmf},
                                  {"unknown_rsi", c.unknown_rsi},
                                  {"unknown_mc_id", c.unknown_mc_id},
                                  {"pending", relay->pending()},
                                  {"calls", calls ? calls->Counters() : nlohmann::json()}});
    }
    if (std::chrono::steady_clock::now() - last_log > std::chrono::seconds(30)) {
      last_log = std::chrono::steady_clock::now();
      auto c = relay->counters();
      spdlog::info(
          "IWF counters: from KMF {}, to MC accepted {} refused {} retries {}, from MC {}, to KMF "
          "{}, unknown RSI {}, unknown MC ID {}, bad preamble {}, duplicates {}, pending {}",
          c.from_kmf, c.to_mc_accepted, c.to_mc_refused, c.to_mc_retries, c.from_mc, c.to_kmf,
          c.unknown_rsi, c.unknown_mc_id, c.bad_preamble, c.duplicates, relay->pending());
    }
  }
  spdlog::info("IWF stopping ({} messages pending stay in the outbox)", relay->pending());
  calls.reset();     // media legs closed, INVITE handler removed
  socket.reset();    // no more datagrams
  endpoint.reset();  // no more SIP callbacks
  return Ok();
}

}  // namespace

int RunIwfRole(const RoleContext& ctx) {
  if (auto st = Run(ctx); !st) {
    spdlog::error("iwf: {}", st.error().ToString());
    return 1;
  }
  return 0;
}

}  // namespace kb::app
