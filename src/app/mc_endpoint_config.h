// keybridge serve: the SIP endpoint section shared by the roles that register with the MC
// service server (iwf, kmf in sds mode): identity, password_file, sip_listen, mc_server,
// sip_transport, and the rsi_map of the iwf and kmf roles (docs/iwf.md "Configuration").
#pragma once

#include <string>

#include "app/roles.h"
#include "core/error.h"
#include "iwf/rsi_map.h"
#include "mc_endpoint/mc_endpoint.h"

namespace kb::app {

// Reads identity (default default_identity), password_file (first line; relative to data_dir),
// sip_listen (address:port, default 127.0.0.1:default_sip_port), mc_server (default
// 127.0.0.1:5060) and sip_transport (udp | tcp, default udp).
Result<mc_endpoint::McEndpointConfig> ReadMcEndpointConfig(const RoleContext& ctx,
                                                           const std::string& default_identity,
                                                           uint16_t default_sip_port);

// "address:port" into its parts; kInvalidArgument naming key.
Result<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text,
                                                       std::string_view key);

// nodes.<node>.rsi_map: a list of {rsi, mc_service_id, lmr_type (P25 | TETRA, default P25)};
// duplicates are refused (iwf::RsiMap::Build).
Result<iwf::RsiMap> ReadRsiMap(const RoleContext& ctx);

}  // namespace kb::app
