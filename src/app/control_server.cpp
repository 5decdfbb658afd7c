// keybridge client/radio nodes: the local control socket (docs/client.md "Control socket").
#include "app/control_server.h"

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "client/key_fill_file.h"
#include "kms/at_rest.h"

namespace kb::app {

Result<std::unique_ptr<ControlServer>> ControlServer::Open(const std::filesystem::path& path) {
  std::string p = path.string();
  sockaddr_un addr{};
  if (p.size() >= sizeof(addr.sun_path))
    return Fail(Error::InvalidArgument(fmt::format("{}: path too long for a socket", p)));
  ::unlink(p.c_str());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(Error::Io(fmt::format("socket: {}", std::strerror(errno))));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  mode_t old = ::umask(0177);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::umask(old);
  if (rc != 0 || ::listen(fd, 4) != 0) {
    ::close(fd);
    return Fail(Error::Io(fmt::format("{}: {}", p, std::strerror(errno))));
  }
  return std::unique_ptr<ControlServer>(new ControlServer(fd, p));
}

ControlServer::~ControlServer() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

std::optional<std::string> ControlServer::Next(int timeout_ms, int* conn) {
  pollfd pfd{fd_, POLLIN, 0};
  if (::poll(&pfd, 1, timeout_ms) <= 0) return std::nullopt;
  int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (c < 0) return std::nullopt;
  timeval tv{5, 0};
  ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string line;
  char buf[1024];
  while (line.find('\n') == std::string::npos && line.size() < 8192) {
    ssize_t n = ::recv(c, buf, sizeof(buf), 0);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  line = line.substr(0, line.find('\n'));
  *conn = c;
  return line;
}

void ControlServer::Answer(int conn, const nlohmann::json& j) {
  std::string out = j.dump() + "\n";
  (void)::send(conn, out.data(), out.size(), MSG_NOSIGNAL);
  ::close(conn);
}

nlohmann::json ControlRefusal(const Error& e) { return {{"ok", false}, {"error", e.ToString()}}; }

nlohmann::json ControlImportRootKey(client::ClientCore& core, const std::string& path,
                                    const std::string& who) {
  auto text = kms::ReadSecretFile(path, client::kMaxKeyFillBytes);
  if (!text) return ControlRefusal(text.error());
  auto fill = client::ParseKeyFill(AsString(text->Reveal()));
  if (!fill) return ControlRefusal(fill.error());
  if (auto st = core.ImportKeyFill(*fill); !st) return ControlRefusal(st.error());
  spdlog::info("{}: root key imported from a key-fill file: ALGID 0x{:02X} KID 0x{:04X}", who,
               fill->algid, fill->kid);
  return {{"ok", true},
          {"algid", fmt::format("0x{:02X}", fill->algid)},
          {"kid", fmt::format("0x{:04X}", fill->kid)}};
}

}  // namespace kb::app
