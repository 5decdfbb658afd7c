// keybridge serve --role client and keybridge client ...: the configuration of an LMR-aware MC
// client node (nodes.<name>, docs/client.md "Configuration"), its key store, and the local
// control socket through which the CLI asks a running client to act.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/roles.h"
#include "client/client_core.h"
#include "client/root_key_agent.h"
#include "core/error.h"
#include "net/sip_stack.h"

namespace kb::app {

struct ClientNodeConfig {
  std::string user;  // MC service ID
  std::filesystem::path password_file;
  uint32_t rsi = 0;
  std::optional<uint32_t> group_rsi;
  uint32_t kmf_rsi = 0;
  uint16_t mnp = 1000;
  bool require_mac = true;
  net::SipEndpoint mc_server;  // mc_server: "127.0.0.1:5060", transport: udp|tcp
  std::string bind_address = "127.0.0.1";
  std::string lmr_security_fe;  // default target of Hello
  bool sds = false;             // carrier: sds
  std::filesystem::path storage_key_file;
  // Root key agent: on when `cms` is set.
  std::string idms, kms, cms;
  std::filesystem::path idms_ca, kms_ca, cms_ca;
  net::SipEndpoint cms_sip;
  std::string cms_uri = "sip:cms@example.org";
  uint32_t profile_index = 1;
  std::vector<std::string> authorised_iwfs;
  uint64_t root_key_max_age = 30 * 86400;
  uint32_t subscribe_expires = 600;
};

Result<ClientNodeConfig> ReadClientNodeConfig(const RoleContext& ctx);

// An emulated P25 radio (serve --role radio, docs/radio.md): the same subscriber unit and sealed
// key store as a client, reached by the KMF over UDP with the DLI preamble instead of over SIP.
struct RadioNodeConfig {
  uint32_t rsi = 0;
  std::optional<uint32_t> group_rsi;
  uint32_t kmf_rsi = 0;
  uint16_t mnp = 1000;
  bool require_mac = true;
  std::string dli_listen = "127.0.0.1:0";  // our UDP address (the emulated RF link)
  std::string kmf = "127.0.0.1:49644";     // the KMF's dli_listen
  bool only_from_kmf = true;               // drop datagrams from anyone else
  std::filesystem::path storage_key_file;
};

Result<RadioNodeConfig> ReadRadioNodeConfig(const RoleContext& ctx);
// The sealing owner of a radio's key store: "p25-radio:<node>" (a radio has no MC service ID).
std::string RadioOwner(const RoleContext& ctx);
Result<std::unique_ptr<client::ClientCore>> OpenRadioCore(const RoleContext& ctx,
                                                          const RadioNodeConfig& c);

// The node's role: nodes.<name>.role, or the name itself.
std::string NodeRole(const RoleContext& ctx);
// The key store of a client or radio node (by NodeRole), for the CLI on a stopped node.
Result<std::unique_ptr<client::ClientCore>> OpenNodeCore(const RoleContext& ctx);
// The node context (config section, data dir) without running it: for the CLI commands.
Result<RoleContext> LoadNodeContext(const std::string& config_file, const std::string& node);
// Opens the node's sealed key store (creating the storage key on first use).
Result<std::unique_ptr<client::ClientCore>> OpenClientCore(const RoleContext& ctx,
                                                           const ClientNodeConfig& c);
Result<SecretBytes> ReadPassword(const std::filesystem::path& file);

// The control socket: data_dir/<node>/control.sock (mode 0600). One request line, one JSON
// answer line: {"ok": true, ...} or {"ok": false, "error": "..."}.
std::filesystem::path ControlSocketPath(const RoleContext& ctx);
// nullopt when nothing listens there (the node is not running).
Result<std::optional<std::string>> ControlRequest(const RoleContext& ctx, const std::string& line);

}  // namespace kb::app
