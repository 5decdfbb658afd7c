// keybridge client ...: the LMR-aware MC client's key store and own requests (docs/client.md):
// keys (show the store, never key values), hello, rekey-request, import-root-key FILE
// (docs/key-fill-file.md). A running node (serve --role client) is asked over its control
// socket; keys and import-root-key also work on the sealed store of a stopped node.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/client_node.h"
#include "app/commands.h"
#include "client/key_fill_file.h"
#include "kms/at_rest.h"

namespace kb::app {
namespace {

struct ClientFlags {
  std::string config, node, file;
};

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
  KB_TRY(ClientNodeConfig c, ReadClientNodeConfig(ctx));
  KB_TRY(auto core, OpenClientCore(ctx, c));
  nlohmann::json j = core->Report();
  j["ok"] = true;
  j["running"] = false;
  return j;
}

Result<nlohmann::json> RunHello(const ClientFlags& f, const char* what) {
  KB_TRY(RoleContext ctx, LoadNodeContext(f.config, f.node));
  KB_TRY(auto running, AskNode(ctx, what));
  if (!running) {
    return Fail(Error::NotFound(fmt::format(
        "client node {} is not running (start it with keybridge serve --role client --node {})",
        f.node, f.node)));
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
  KB_TRY(ClientNodeConfig c, ReadClientNodeConfig(ctx));
  KB_TRY(auto core, OpenClientCore(ctx, c));
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
}  // namespace kb::app

}  // namespace kb::app
