// keybridge client ...: the LMR-aware MC client's key store and own requests (docs/client.md):
// keys (show the store, never key values), hello, rekey-request, import-root-key FILE
// (docs/key-fill-file.md). A running node (serve --role client) is asked over its control
// socket; keys and import-root-key also work on the sealed store of a stopped node.
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/client_node.h"
#include "app/commands.h"
#include "client/key_fill_file.h"
#include "core/encoding.h"
#include "kms/at_rest.h"
#include "p25/key_wrap.h"
#include "p25/kmm.h"
#include "p25/kmm_mac.h"

namespace kb::app {
namespace {

struct ClientFlags {
  std::string config, node, file;
};

struct MakeRekeyFlags {
  std::string key_fill, tek, tek_kid = "1", keyset = "1", sln = "0", mn = "1", kmf_rsi = "9999999";
};

Result<uint32_t> Number(const std::string& text, uint32_t max, const char* option) {
  std::string_view t = text;
  int base = 10;
  if (t.starts_with("0x") || t.starts_with("0X")) {
    t.remove_prefix(2);
    base = 16;
  }
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || v > max)
    return Fail(Error::InvalidArgument(fmt::format("{}: a number up to {:#x}", option, max)));
  return v;
}

// Development/test tool, the KMF side: a Rekey-Command (TIA-102.AACA 10.3) to the key-fill
// file's RSI carrying one AES-256 TEK wrapped under the file's key and CMAC'd with it (the
// KMF's default MAC key is the UKEK, docs/kmf.md). Prints the KMM in hex.
Status RunMakeRekey(const MakeRekeyFlags& f) {
  KB_TRY(SecretBytes text, kms::ReadSecretFile(f.key_fill, client::kMaxKeyFillBytes));
  auto fill = client::ParseKeyFill(AsString(text.Reveal()));
  if (!fill) return Fail(fill.error().Within(f.key_fill));
  if (fill->algid != 0x84) return Fail(Error::Unsupported("make-rekey: the UKEK must be AES-256"));
  auto tek_bytes = FromHex(f.tek, "--tek");
  if (!tek_bytes) return Fail(tek_bytes.error());
  SecretBytes tek = SecretBytes::Adopt(std::move(*tek_bytes));
  if (tek.size() != 32) return Fail(Error::InvalidArgument("--tek: 32 octets (AES-256)"));
  KB_TRY(uint32_t tek_kid, Number(f.tek_kid, 0xFFFF, "--tek-kid"));
  KB_TRY(uint32_t keyset, Number(f.keyset, 0xFE, "--keyset"));
  KB_TRY(uint32_t sln, Number(f.sln, 0xFFFF, "--sln"));
  KB_TRY(uint32_t mn, Number(f.mn, 0xFFFF, "--mn"));
  KB_TRY(uint32_t kmf_rsi, Number(f.kmf_rsi, 0xFFFFFE, "--kmf-rsi"));
  KB_TRY(Bytes wrapped, p25::WrapKey(fill->key, tek));
  p25::RekeyCommand c;
  c.decryption = {fill->algid, fill->kid, std::nullopt};
  p25::KeysetItem ks{
      0x00, static_cast<uint8_t>(keyset), 0x84, static_cast<uint8_t>(wrapped.size()), {}};
  ks.keys.push_back(p25::KeyItem{0x00, static_cast<uint16_t>(sln), static_cast<uint16_t>(tek_kid),
                                 SecretBytes::Adopt(std::move(wrapped))});
  c.keysets.push_back(std::move(ks));
  p25::KmmHeader h;
  h.response_kind = p25::ResponseKind::kImmediate;
  h.destination_rsi = fill->rsi;
  h.source_rsi = kmf_rsi;
  h.message_number = static_cast<uint16_t>(mn);
  KB_TRY(Bytes kmm, p25::EncodeSignedKmm(p25::Kmm{h, std::move(c), std::nullopt},
                                         p25::MacFormat::kCmac, fill->kid, fill->key));
  std::printf("%s\n", ToHex(kmm).c_str());
  return Ok();
}

int Report(const Result<nlohmann::json>& r) {
  if (!r) {
    std::fprintf(stderr, "keybridge: %s\n", r.error().ToString().c_str());
    return 1;
  }
  std::cout << r->dump(2) << "\n";
  if (r->contains("ok") && !(*r)["ok"].get<bool>()) {
    std::fprintf(stderr, "keybridge: %s\n", (*r)["error"].get<std::string>().c_str());
    return 1;
  }
  return 0;
}

// Asks the running node; nullopt when it is not running.
Result<std::optional<nlohmann::json>> AskNode(const RoleContext& ctx, const std::string& line) {
  KB_TRY(auto answer, ControlRequest(ctx, line));
  if (!answer) return std::optional<nlohmann::json>();
  try {
    return std::optional<nlohmann::json>(nlohmann::json::parse(*answer));
  } catch (const nlohmann::json::exception&) {
    return Fail(Error::Malformed("control socket: the answer is not JSON"));
  }
}

Result<nlohmann::json> RunKeys(const ClientFlags& f) {
  KB_TRY(RoleContext ctx, LoadNodeContext(f.config, f.node));
  KB_TRY(auto running, AskNode(ctx, "keys"));
  if (running) return *running;
  KB_TRY(auto core, OpenNodeCore(ctx));
  nlohmann::json j = core->Report();
  j["ok"] = true;
  j["running"] = false;
  return j;
}

Result<nlohmann::json> RunHello(const ClientFlags& f, const char* what) {
  KB_TRY(RoleContext ctx, LoadNodeContext(f.config, f.node));
  KB_TRY(auto running, AskNode(ctx, what));
  if (!running) {
    return Fail(Error::NotFound(
        fmt::format("{} node {} is not running (start it with keybridge serve --role {} --node {})",
                    NodeRole(ctx), f.node, NodeRole(ctx), f.node)));
  }
  return *running;
}

Result<nlohmann::json> RunImport(const ClientFlags& f) {
  std::filesystem::path file = std::filesystem::absolute(f.file);
  // Parse here first, so that a bad file is reported the same way whether the node runs.
  KB_TRY(SecretBytes text, kms::ReadSecretFile(file, client::kMaxKeyFillBytes));
  auto fill = client::ParseKeyFill(AsString(text.Reveal()));
  if (!fill) return Fail(fill.error().Within(f.file));
  KB_TRY(RoleContext ctx, LoadNodeContext(f.config, f.node));
  KB_TRY(auto running, AskNode(ctx, "import-root-key " + file.string()));
  if (running) return *running;
  KB_TRY(auto core, OpenNodeCore(ctx));
  KB_CHECK(core->ImportKeyFill(*fill));
  return nlohmann::json{{"ok", true},
                        {"running", false},
                        {"algid", fmt::format("0x{:02X}", fill->algid)},
                        {"kid", fmt::format("0x{:04X}", fill->kid)}};
}

}  // namespace

void RegisterClientCommands(CLI::App& app) {
  auto* client = app.add_subcommand(
      "client", "LMR-aware MC client: key store, Hello, rekey request, root key import");
  client->require_subcommand(1);
  static ClientFlags f;
  auto common = [](CLI::App* c) {
    c->add_option("--config", f.config, "the YAML configuration file")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--node", f.node, "the client's node name (nodes.<name>)")->required();
  };
  auto* keys = client->add_subcommand(
      "keys", "show the key store: keysets, ALGIDs, key IDs, fingerprints (never key values)");
  common(keys);
  keys->callback([] { ExitCode() = Report(RunKeys(f)); });
  auto* hello = client->add_subcommand("hello", "send a Hello (identification) to the KMF");
  common(hello);
  hello->callback([] { ExitCode() = Report(RunHello(f, "hello")); });
  auto* rekey = client->add_subcommand("rekey-request", "send a Hello with the rekey request flag");
  common(rekey);
  rekey->callback([] { ExitCode() = Report(RunHello(f, "rekey-request")); });
  auto* import = client->add_subcommand(
      "import-root-key", "load a root key (UKEK) from a key-fill file (docs/key-fill-file.md)");
  common(import);
  import->add_option("file", f.file, "the key-fill file")->required()->check(CLI::ExistingFile);
  import->callback([] { ExitCode() = Report(RunImport(f));
});

static MakeRekeyFlags m;
auto* make = client->add_subcommand(
    "make-rekey",
    "development/test, the KMF side: a Rekey-Command under a key-fill file's UKEK (hex)");
make->add_option("--key-fill", m.key_fill, "the unit's key-fill file (RSI, UKEK)")->required();
make->add_option("--tek", m.tek, "the TEK, 64 hex digits (AES-256)")->required();
make->add_option("--tek-kid", m.tek_kid, "the TEK's KID")->capture_default_str();
make->add_option("--keyset", m.keyset, "the TEK's keyset")->capture_default_str();
make->add_option("--sln", m.sln, "the TEK's SLN")->capture_default_str();
make->add_option("--mn", m.mn, "the message number")->capture_default_str();
make->add_option("--kmf-rsi", m.kmf_rsi, "the KMF's RSI (source)")->capture_default_str();
make->callback([] {
  if (auto st = RunMakeRekey(m); !st) {
    std::fprintf(stderr, "keybridge: %s\n", st.error().ToString().c_str());
    ExitCode() = 1;
  }
});
}  // namespace kb::app

}  // namespace kb::app
