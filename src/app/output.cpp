// Command-line output helpers: one-line errors and secret-bearing files.
#include "app/output.h"

#include <cstdio>
#include <fstream>

#include "kms/at_rest.h"

namespace kb::app {

int Report(const Status& status) {
  if (status) return 0;
  std::fprintf(stderr, "keybridge: %s\n", status.error().ToString().c_str());
  switch (status.error().kind()) {
    case ErrorKind::kIo:
    case ErrorKind::kInvalidArgument:
      return 2;
    default:
      return 1;
  }
}

Status WriteSecretOutput(const std::string& path, const SecretBytes& text) {
  if (path.empty()) {
    ByteView v = text.Reveal();
    if (std::fwrite(v.data(), 1, v.size(), stdout) != v.size()) {
      return Fail(Error::Io("cannot write standard output"));
    }
    return Ok();
  }
  return kms::WriteFileAtomic(path, text.Reveal(), 0600);
}

Status WriteBinaryFile(const std::string& path, ByteView data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) return Fail(Error::Io("cannot write " + path));
  return Ok();
}

}  // namespace kb::app
