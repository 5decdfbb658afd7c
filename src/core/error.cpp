// Errors as values: names of the kinds and message formatting.
#include "core/error.h"

#include <fmt/format.h>

namespace kb {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kMalformed:
      return "malformed";
    case ErrorKind::kTruncated:
      return "truncated";
    case ErrorKind::kInvalidArgument:
      return "invalid argument";
    case ErrorKind::kUnsupported:
      return "unsupported";
    case ErrorKind::kCryptoFailure:
      return "crypto failure";
    case ErrorKind::kWrongRecipient:
      return "wrong recipient";
    case ErrorKind::kReplay:
      return "replay";
    case ErrorKind::kExpired:
      return "expired";
    case ErrorKind::kUnauthorised:
      return "unauthorised";
    case ErrorKind::kNotFound:
      return "not found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kIo:
      return "i/o";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Error::ToString() const {
  return fmt::format("{}: {}", ErrorKindName(kind_), message_);
}

Error Error::Within(std::string_view context) const& {
  return Error(kind_, fmt::format("{}: {}", context, message_));
}

Error Error::Within(std::string_view context) && {
  message_ = fmt::format("{}: {}", context, message_);
  return std::move(*this);
}

}  // namespace kb
