// keybridge ladder FILE.pcap (docs/ladder.md): a capture written by `serve --capture`
// (docs/capture.md) as a ladder diagram, one line per message (or one JSON object per line with
// --json), senders and receivers named by node from --config. Never prints a key value.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "app/commands.h"
#include "ladder/ladder.h"

namespace kb::app {
namespace {

struct LadderFlags {
  std::string file, config;
  size_t from_packet = 0;
  bool count = false;
  bool json = false;
};

// "a.b.c.d:port" -> Address; nullopt for anything else (names, IPv6, 0.0.0.0).
std::optional<capture::Address> ParseAddress(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  auto ip = capture::ParseIpv4(std::string_view(text).substr(0, colon));
  if (!ip || (*ip == std::array<uint8_t, 4>{0, 0, 0, 0})) return std::nullopt;
  unsigned port = 0;
  std::string_view p = std::string_view(text).substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port == 0 || port > 65535)
    return std::nullopt;
  return capture::Address{*ip, static_cast<uint16_t>(port)};
}

bool IsListenKey(const std::string& key) { return key == "listen" || key.ends_with("_listen"); }

// A node's addresses (listen, sip_listen, dli_listen, ..., also one map level down, e.g. the
// CMS's sip: {listen}) and SIP identities (user, identity, uri).
void AddNode(const std::string& name, const YAML::Node& section, ladder::NodeDirectory& dir,
             int depth) {
  if (!section.IsMap()) return;
  for (const auto& kv : section) {
    std::string key = kv.first.as<std::string>("");
    const YAML::Node& v = kv.second;
    if (IsListenKey(key)) {
      std::vector<std::string> values;
      if (v.IsScalar()) values.push_back(v.as<std::string>());
      if (v.IsSequence())
        for (const auto& e : v)
          if (e.IsScalar()) values.push_back(e.as<std::string>());
      for (const auto& t : values)
        if (auto a = ParseAddress(t)) dir.by_address.emplace(*a, name);
    } else if ((key == "user" || key == "identity" || key == "uri") && v.IsScalar()) {
      std::string id = v.as<std::string>();
      if (id.starts_with("sip:")) dir.by_identity.emplace(id, name);
    } else if (v.IsMap() && depth == 0) {
      AddNode(name, v, dir, depth + 1);
    }
  }
}

Result<ladder::NodeDirectory> ReadDirectory(const std::string& config_file) {
  ladder::NodeDirectory dir;
  if (config_file.empty()) return dir;
  try {
    YAML::Node root = YAML::LoadFile(config_file);
    if (root["nodes"] && root["nodes"].IsMap())
      for (const auto& kv : root["nodes"]) AddNode(kv.first.as<std::string>(), kv.second, dir, 0);
  } catch (const YAML::Exception& e) {
    return Fail(Error::InvalidArgument(fmt::format("{}: {}", config_file, e.what())));
  }
  return dir;
}

Status Run(const LadderFlags& f) {
  std::ifstream in(f.file, std::ios::binary);
  if (!in) return Fail(Error::Io(fmt::format("{}: cannot open", f.file)));
  Bytes file((std::istreambuf_iterator<char>(in)), {});
  auto packets = capture::ReadCapture(file);
  if (!packets) return Fail(packets.error().Within(f.file));
  if (f.count) {
    std::printf("%zu\n", packets->size());
    return Ok();
  }
  KB_TRY(ladder::NodeDirectory dir, ReadDirectory(f.config));
  for (const auto& e : ladder::BuildLadder(*packets, std::move(dir))) {
    if (e.packet <= f.from_packet) continue;
    std::string line = f.json ? ladder::LadderEntryJson(e).dump() : ladder::FormatLadderLine(e);
    std::printf("%s\n", line.c_str());
  }
  return Ok();
}

}  // namespace

void RegisterLadderCommands(CLI::App& app) {
  static LadderFlags f;
  auto* cmd = app.add_subcommand(
      "ladder", "a capture file (serve --capture) as a ladder diagram: SIP, KMMs, HTTP; no keys");
  cmd->add_option("file", f.file, "the pcap file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--config", f.config, "the YAML configuration: name addresses by node")
      ->check(CLI::ExistingFile);
  cmd->add_option("--from-packet", f.from_packet,
                  "skip the messages completed by the first N packets");
  cmd->add_flag("--count", f.count, "print the number of packets only");
  cmd->add_flag("--json", f.json, "one JSON object per message and line");
  cmd->callback([] {
    if (auto st = Run(f); !st) {
      std::fprintf(stderr, "keybridge ladder: %s\n", st.error().ToString().c_str());
      ExitCode() = 1;
    }
  });
}

}  // namespace kb::app
