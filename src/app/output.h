// Command-line output helpers: one-line errors and secret-bearing files.
#pragma once

#include <string>

#include "core/error.h"
#include "core/secret.h"

namespace kb::app {

// Prints "keybridge: <error>" to standard error for a failed status; returns the exit code
// (0 on success, 1 for a check that failed on the input, 2 for an I/O or usage problem).
int Report(const Status& status);

// Writes a document holding key material to path with mode 0600 (atomically), or to standard
// output when path is empty.
Status WriteSecretOutput(const std::string& path, const SecretBytes& text);

// Writes octets that are not secret (e.g. --frames-out codewords) to path, replacing it.
Status WriteBinaryFile(const std::string& path, ByteView data);

}  // namespace kb::app
