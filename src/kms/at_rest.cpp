// keybridge KMS storage: the storage key and atomic, bounded file writes and reads.
#include "kms/at_rest.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/encoding.h"
#include "crypto/random.h"

namespace kb::kms {
namespace {

Error IoError(std::string_view what, const std::filesystem::path& path) {
  return Error::Io(fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

// The storage key from hex text; the error never quotes the text.
Result<SecretBytes> KeyFromHex(std::string_view text, std::string_view source) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  auto decoded = FromHex(text, source);
  if (!decoded || decoded->size() != kStorageKeyBytes) {
    if (decoded) SecureWipe(decoded->data(), decoded->size());
    return Fail(
        Error::Malformed(fmt::format("{}: expected {} hex digits", source, 2 * kStorageKeyBytes)));
  }
  return SecretBytes::Adopt(std::move(*decoded));
}

Status WriteAll(int fd, ByteView data, const std::filesystem::path& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail(IoError("write", path));
    }
    done += static_cast<size_t>(n);
  }
  return Ok();
}

}  // namespace

Status WriteFileAtomic(const std::filesystem::path& path, ByteView data, mode_t mode) {
  std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp.{}", static_cast<long>(::getpid()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return Fail(IoError("create", tmp));
  // The mode given to open() is filtered by the umask; set it exactly.
  Status st = ::fchmod(fd, mode) == 0 ? Ok() : Fail(IoError("chmod", tmp));
  if (st) st = WriteAll(fd, data, tmp);
  if (st && ::fsync(fd) != 0) st = Fail(IoError("fsync", tmp));
  if (::close(fd) != 0 && st) st = Fail(IoError("close", tmp));
  if (st && ::rename(tmp.c_str(), path.c_str()) != 0) st = Fail(IoError("rename", path));
  if (!st) {
    ::unlink(tmp.c_str());
    return st;
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Ok();
}

Result<SecretBytes> ReadSecretFile(const std::filesystem::path& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return Fail(Error::NotFound(fmt::format("{}: no such file", path.string())));
    return Fail(IoError("open", path));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Fail(IoError("stat", path));
  }
  if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return Fail(Error::Malformed(fmt::format("{}: {} octets exceeds the limit of {}", path.string(),
                                             st.st_size, max_bytes)));
  }
  SecretBytes out(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.RevealMutable().data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Fail(n < 0 ? IoError("read", path)
                        : Error::Io(fmt::format("read {}: file shrank", path.string())));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return out;
}

Result<Bytes> ReadFileBounded(const std::filesystem::path& path, size_t max_bytes) {
  KB_TRY(SecretBytes s, ReadSecretFile(path, max_bytes));
  return Bytes(s.Reveal().begin(), s.Reveal().end());
}

Result<SecretBytes> LoadStorageKey(const std::filesystem::path& key_file, bool create) {
  if (const char* env = std::getenv(kStorageKeyEnv)) return KeyFromHex(env, kStorageKeyEnv);
  struct stat st {};
  if (::stat(key_file.c_str(), &st) != 0) {
    if (errno != ENOENT) return Fail(IoError("stat", key_file));
    if (!create) {
      return Fail(
          Error::NotFound(fmt::format("storage key file {} does not exist and {} is not set",
                                      key_file.string(), kStorageKeyEnv)));
    }
    SecretBytes key = crypto::RandomSecret(kStorageKeyBytes);
    static constexpr char kDigits[] = "0123456789abcdef";
    SecretBytes text(2 * kStorageKeyBytes + 1);
    auto out = text.RevealMutable();
    for (size_t i = 0; i < kStorageKeyBytes; ++i) {
      out[2 * i] = static_cast<uint8_t>(kDigits[key.Reveal()[i] >> 4]);
      out[2 * i + 1] = static_cast<uint8_t>(kDigits[key.Reveal()[i] & 0x0f]);
    }
    out[2 * kStorageKeyBytes] = '\n';
    KB_CHECK(WriteFileAtomic(key_file, text.Reveal(), 0600));
    return key;
  }
  if ((st.st_mode & 077) != 0) {
    return Fail(Error::Unauthorised(
        fmt::format("storage key file {}: mode {:o} lets group or others in; expected 0600",
                    key_file.string(), st.st_mode & 0777)));
  }
  KB_TRY(SecretBytes text, ReadSecretFile(key_file, 256));
  return KeyFromHex(AsString(text.Reveal()), key_file.string());
}

}  // namespace kb::kms
