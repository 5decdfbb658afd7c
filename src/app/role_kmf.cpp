// keybridge serve --role kmf: the P25 KMF (TIA-102.AACA §9.2) on its network face (docs/kmf.md
// "Network face"): mode udp = LMR-hosted behind the IWF (UDP DLI, port 49644); mode sds =
// MC-hosted, registered with the MC service server as sip:kmf@example.org (seed 001), carrier
// interworking-data or sds (seed 002); mode both = the two faces on one engine, KMMs routed by
// RSI (the MC face's rsi_map over MC, the rest over UDP). Campaigns queued in the state directory
// by `keybridge kmf rekey --config FILE ...` are picked up at the next tick.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <set>

#include "app/kmf_radios.h"
#include "app/kmf_state.h"
#include "app/mc_endpoint_config.h"
#include "app/node_status.h"
#include "app/role_config.h"
#include "app/roles.h"
#include "kmf_service/dli_kmf_transport.h"
#include "kmf_service/kmf_service.h"
#include "kmf_service/mc_kmf_transport.h"
#include "kmf_service/routing_kmf_transport.h"

namespace kb::app {
namespace {

// The LMR face (modes udp and both): UDP DLI to the IWF, and to emulated radios.
Result<std::unique_ptr<kmf_service::DliKmfTransport>> StartLmrFace(
    const RoleContext& ctx, const kmf_service::InboundKmm& on_kmm) {
  kmf_service::DliKmfTransportOptions o;
  KB_TRY(std::string listen, Get<std::string>(ctx.config, "dli_listen", "127.0.0.1:49644"));
  KB_TRY(auto hp, ParseHostPort(listen, "dli_listen"));
  o.bind_address = hp.first;
  o.port = hp.second;
  KB_TRY(std::string iwf_text, Get<std::string>(ctx.config, "iwf", "127.0.0.1:64414"));
  KB_TRY(o.iwf, iwf::ParseUdpPeer(iwf_text));
  KB_TRY(o.only_from_iwf, Get<bool>(ctx.config, "only_from_iwf", true));
  KB_TRY(o.radios, ReadKmfRadios(ctx));  // emulated radios (docs/radio.md)
  return kmf_service::DliKmfTransport::Start(o, on_kmm);
}

// status.json counters (docs/operations.md "Node status").
nlohmann::json KmfStatusCounters(const kmf_service::KmfService& service) {
  auto c = service.counters();
  auto e = service.engine_counters();
  return {{"campaigns_active", c.campaigns_active},
          {"campaigns_complete", c.campaigns_complete},
          {"kmms_sent", e.sent},
          {"kmms_resent", e.resent},
          {"kmms_acked", e.acked},
          {"kmms_failed", e.failed},
          {"received", c.received},
          {"send_errors", c.send_errors}};
}

Status Run(const RoleContext& ctx) {
  KB_TRY(std::string state, Get<std::string>(ctx.config, "state", ""));
  std::filesystem::path state_dir = state.empty() ? ctx.data_dir : ConfigPath(ctx, state);
  KB_TRY(store::StorageOptions storage, NodeStorage(ctx));
  std::optional<store::StorageOptions> postgres;
  if (storage.backend == store::Backend::kPostgresql) postgres = storage;
  KB_TRY(auto store, OpenKmfState(state_dir, /*create=*/true, postgres));

  kmf_service::KmfServiceOptions options;
  KB_TRY(int64_t tick_ms, Get<int64_t>(ctx.config, "tick_ms", options.tick_interval.count()));
  options.tick_interval = std::chrono::milliseconds(std::max<int64_t>(10, tick_ms));
  KB_TRY(int64_t first_timeout_ms, Get<int64_t>(ctx.config, "first_timeout_ms", 30'000));
  options.engine.first_timeout = std::chrono::milliseconds(first_timeout_ms);
  KB_TRY(int64_t max_timeout_ms, Get<int64_t>(ctx.config, "max_timeout_ms", 600'000));
  options.engine.max_timeout = std::chrono::milliseconds(max_timeout_ms);
  KB_TRY(options.engine.max_attempts, Get<uint32_t>(ctx.config, "max_attempts", 5));
  KB_TRY(options.engine.max_sends_per_tick, Get<size_t>(ctx.config, "max_sends_per_tick", 1000));
  kmf_service::KmfService service(*store, options);
  NodeStatusThread status(ctx, [&service] { return KmfStatusCounters(service); });
  auto on_kmm = [&service](Bytes kmm, std::string from) {
    service.OnInboundKmm(std::move(kmm), std::move(from));
  };

  KB_TRY(std::string mode, Get<std::string>(ctx.config, "mode", "udp"));
  spdlog::info("KMF state in {}", state_dir.string());
  if (mode == "udp") {
    KB_TRY(auto transport, StartLmrFace(ctx, on_kmm));
    service.SetTransport(transport.get());
    service.Run(*ctx.stop);
    transport.reset();
    return Ok();
  }
  if (mode != "sds" && mode != "both")
    return Fail(Error::InvalidArgument("mode: udp, sds or both"));
  KB_TRY(std::string carrier_name, Get<std::string>(ctx.config, "carrier", "sds"));
  mc_endpoint::Carrier carrier;
  if (carrier_name == "sds") {
    carrier = mc_endpoint::Carrier::kSds;
  } else if (carrier_name == "interworking-data") {
    carrier = mc_endpoint::Carrier::kInterworkingData;
  } else {
    return Fail(Error::InvalidArgument("carrier: interworking-data or sds"));
  }
  KB_TRY(auto ep_config, ReadMcEndpointConfig(ctx, "sip:kmf@example.org", 5090));
  KB_TRY(iwf::RsiMap map, ReadRsiMap(ctx));
  // mode both (docs/kmf.md "Mode both"): the rsi_map's RSIs over the MC face, others over UDP.
  std::set<kmf::Rsi> mc_rsis;
  for (const auto& m : map.entries()) mc_rsis.insert(m.rsi);
  std::unique_ptr<kmf_service::DliKmfTransport> lmr;
  if (mode == "both") {
    KB_TRY(lmr, StartLmrFace(ctx, on_kmm));
  }
  KB_TRY(auto endpoint, mc_endpoint::McEndpoint::Start(std::move(ep_config)));
  kmf_service::McKmfTransport transport(*endpoint, std::move(map), carrier, on_kmm);
  std::optional<kmf_service::RoutingKmfTransport> router;
  if (lmr) {
    router.emplace(*lmr, transport, std::move(mc_rsis));
    service.SetTransport(&*router);
    spdlog::info("KMF: mode both: {}", router->Describe());
  } else {
    service.SetTransport(&transport);
  }
  endpoint->Register([id = endpoint->identity()](Status st) {
    if (st)
      spdlog::info("KMF: registered as {}", id);
    else
      spdlog::warn("KMF: registration of {} failed: {}", id, st.error().ToString());
  });
  service.Run(*ctx.stop);
  endpoint.reset();
  lmr.reset();
  return Ok();
}

}  // namespace

int RunKmfRole(const RoleContext& ctx) {
  if (auto st = Run(ctx); !st) {
    spdlog::error("kmf: {}", st.error().ToString());
    return 1;
  }
  return 0;
}

}  // namespace kb::app
