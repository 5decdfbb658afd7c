// keybridge up (docs/operations.md "First start"): creates the missing password files.
#include "app/first_start_secrets.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <string>

#include "core/encoding.h"
#include "crypto/random.h"

namespace kb::app {
namespace {

namespace fs = std::filesystem;

void Collect(const YAML::Node& n, std::set<std::string>& out) {
  if (n.IsMap()) {
    for (const auto& kv : n) {
      if (kv.first.as<std::string>() == "password_file" && kv.second.IsScalar()) {
        out.insert(kv.second.as<std::string>());
      } else {
        Collect(kv.second, out);
      }
    }
  } else if (n.IsSequence()) {
    for (const auto& item : n) Collect(item, out);
  }
}

Status WriteNew(const fs::path& path) {
  std::error_code ec;
  fs::path dir = path.parent_path();
  if (!dir.empty() && !fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return Fail(Error::Io("cannot create " + dir.string() + ": " + ec.message()));
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  SecretBytes raw = crypto::RandomSecret(18);
  std::string line = ToBase64Url(raw.Reveal()) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(Error::Io("cannot create " + path.string()));
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  std::fill(line.begin(), line.end(), '\0');
  if (!ok) return Fail(Error::Io("cannot write " + path.string()));
  return {};
}

}  // namespace

Result<std::vector<fs::path>> CreateMissingPasswordFiles(const YAML::Node& nodes,
                                                         const fs::path& data_root) {
  std::set<std::string> names;
  Collect(nodes, names);
  std::vector<fs::path> created;
  for (const auto& name : names) {
    fs::path p(name);
    if (!p.is_absolute()) p = data_root / p;
    p = p.lexically_normal();  // data_dir/../x: the data directory may not exist yet
    std::error_code ec;
    if (fs::exists(p, ec)) continue;
    KB_CHECK(WriteNew(p));
    created.push_back(p);
  }
  return created;
}

}  // namespace kb::app
