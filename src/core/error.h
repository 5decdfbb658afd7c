// Errors as values: Error, Result<T> and Status (std::expected), used at every parsing boundary.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace kb {

// What went wrong, coarse enough for a caller to branch on.
enum class ErrorKind {
  kMalformed,        // input does not follow the format (field and offset in the message)
  kTruncated,        // input ends before a field does
  kInvalidArgument,  // a caller passed a value outside the contract
  kUnsupported,      // a valid value this implementation does not handle
  kCryptoFailure,    // a signature, MAC, tag or key check failed
  kWrongRecipient,   // a message is addressed to someone else
  kReplay,           // a message was seen before
  kExpired,          // a time or key period is outside the allowed window
  kUnauthorised,     // the caller may not do this
  kNotFound,         // a named thing does not exist
  kConflict,         // the thing exists already, or changed under us
  kIo,               // the file system, a socket or a database failed
  kInternal,         // a broken invariant in keybridge itself
};

std::string_view ErrorKindName(ErrorKind kind);

// An error: a kind and a one-line message naming the field (and offset) that was wrong.
// Messages never contain key material.
class Error {
 public:
  Error(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  static Error Malformed(std::string m) { return {ErrorKind::kMalformed, std::move(m)}; }
  static Error Truncated(std::string m) { return {ErrorKind::kTruncated, std::move(m)}; }
  static Error InvalidArgument(std::string m) {
    return {ErrorKind::kInvalidArgument, std::move(m)};
  }
  static Error Unsupported(std::string m) { return {ErrorKind::kUnsupported, std::move(m)}; }
  static Error CryptoFailure(std::string m) { return {ErrorKind::kCryptoFailure, std::move(m)}; }
  static Error WrongRecipient(std::string m) { return {ErrorKind::kWrongRecipient, std::move(m)}; }
  static Error Replay(std::string m) { return {ErrorKind::kReplay, std::move(m)}; }
  static Error Expired(std::string m) { return {ErrorKind::kExpired, std::move(m)}; }
  static Error Unauthorised(std::string m) { return {ErrorKind::kUnauthorised, std::move(m)}; }
  static Error NotFound(std::string m) { return {ErrorKind::kNotFound, std::move(m)}; }
  static Error Conflict(std::string m) { return {ErrorKind::kConflict, std::move(m)}; }
  static Error Io(std::string m) { return {ErrorKind::kIo, std::move(m)}; }
  static Error Internal(std::string m) { return {ErrorKind::kInternal, std::move(m)}; }

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  // "malformed: HDR.version at offset 0: expected 1, got 2"
  std::string ToString() const;

  // Prefixes the message with the enclosing structure, e.g. "SAKKE payload: ".
  Error Within(std::string_view context) const&;
  Error Within(std::string_view context) &&;

 private:
  ErrorKind kind_;
  std::string message_;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(Error e) { return std::unexpected<Error>(std::move(e)); }
inline Status Ok() { return {}; }

}  // namespace kb

#define KB_CONCAT_INNER_(a, b) a##b
#define KB_CONCAT_(a, b) KB_CONCAT_INNER_(a, b)

// KB_TRY(auto x, Expr()) evaluates a Result; on error returns it from the enclosing function,
// otherwise moves the value into the declaration on the left.
#define KB_TRY(lhs, expr) KB_TRY_IMPL_(KB_CONCAT_(kb_try_, __LINE__), lhs, expr)
#define KB_TRY_IMPL_(tmp, lhs, expr)                        \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)

// KB_CHECK(Expr()) evaluates a Status (or any Result) and returns its error, if any.
#define KB_CHECK(expr)                                                    \
  do {                                                                    \
    auto kb_check_ = (expr);                                              \
    if (!kb_check_) return std::unexpected(std::move(kb_check_).error()); \
  } while (0)
