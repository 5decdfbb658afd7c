// keybridge kmf / serve --role kmf: the KMF state directory (docs/kmf.md "Network face").
#include "app/kmf_state.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <fstream>

#include "app/role_config.h"
#include "crypto/random.h"
#include "kms/at_rest.h"

namespace kb::app {

namespace fs = std::filesystem;

Result<fs::path> KmfStateDirFromConfig(const std::string& config_file, const std::string& node) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(config_file);
  } catch (const YAML::Exception& e) {
    return Fail(Error::InvalidArgument(fmt::format("{}: {}", config_file, e.what())));
  }
  YAML::Node section = root["nodes"][node];
  if (!section)
    return Fail(Error::NotFound(fmt::format("{}: no section nodes.{}", config_file, node)));
  fs::path data = root["data_dir"] ? root["data_dir"].as<std::string>() : std::string("data");
  if (data.is_relative()) data = fs::path(config_file).parent_path() / data;
  if (section["state"]) {
    fs::path s = section["state"].as<std::string>();
    return s.is_absolute() ? s : data / s;
  }
  return data / node;
}

Result<std::optional<store::StorageOptions>> KmfPostgresStorage(const std::string& config_file,
                                                                const std::string& node) {
  RoleContext ctx;
  try {
    ctx.root = YAML::LoadFile(config_file);
  } catch (const YAML::Exception& e) {
    return Fail(Error::InvalidArgument(fmt::format("{}: {}", config_file, e.what())));
  }
  ctx.node = node;
  ctx.config = ctx.root["nodes"][node];
  ctx.data_dir = DataRoot(ctx.root, config_file) / node;
  KB_TRY(store::StorageOptions storage, NodeStorage(ctx));
  if (storage.backend != store::Backend::kPostgresql) return std::nullopt;
  return storage;
}

Result<std::unique_ptr<store::SqliteKmfStore>> OpenKmfState(
    const fs::path& dir, bool create, const std::optional<store::StorageOptions>& postgres) {
  fs::path key_path = dir / "storage.key";
  std::error_code ec;
  if (!fs::exists(key_path, ec)) {
    if (!create)
      return Fail(Error::NotFound(
          fmt::format("{} is not a KMF state directory (run kmf init, or start the kmf role once)",
                      dir.string())));
    fs::create_directories(dir, ec);
    if (ec) return Fail(Error::Io(fmt::format("cannot create {}: {}", dir.string(), ec.message())));
    ::chmod(dir.c_str(), 0700);
    SecretBytes key = crypto::RandomSecret(32);
    KB_CHECK(kms::WriteFileAtomic(key_path.string(), key.Reveal(), 0600));
  }
  std::ifstream in(key_path, std::ios::binary);
  if (!in) return Fail(Error::Io("cannot read " + key_path.string()));
  Bytes raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (raw.size() != 32) return Fail(Error::Malformed("storage.key: expected 32 octets"));
  if (postgres) return store::SqliteKmfStore::Open(*postgres, SecretBytes::Adopt(std::move(raw)));
  return store::SqliteKmfStore::Open((dir / "kmf.db").string(), SecretBytes::Adopt(std::move(raw)));
}

}  // namespace kb::app
