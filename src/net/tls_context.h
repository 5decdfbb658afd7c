// RFC 8446 / RFC 5246: the OpenSSL contexts of the HTTPS adapter: TLS 1.2 as the floor, ECDHE
// AEAD suites only, the server's identity, the client's trust anchors. Used by http_*.cpp only.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <memory>
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it.

#include "core/error.h"
#include "net/tls_identity.h"

namespace kb::net {

// A server context presenting identity's certificate and key.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const TlsIdentity& identity);

// A client context that trusts only the certificates in ca_file (PEM) and verifies the peer.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeClientTlsContext(
    const std::filesystem::path& ca_file);

}  // namespace kb::net
