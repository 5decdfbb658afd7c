// RFC 8446 / RFC 5246: OpenSSL contexts for the HTTPS server and client.
#include "net/tls_context.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

namespace kb::net {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 suites (forward secret, AEAD); TLS 1.3 keeps OpenSSL's default suites.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256";

Result<std::shared_ptr<ssl::context>> Base(ssl::context::method method) {
  auto ctx = std::make_shared<ssl::context>(method);
  SSL_CTX* h = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(h, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(h, kTls12Ciphers) != 1) {
    return Fail(Error::Internal("TLS context setup failed"));
  }
  SSL_CTX_set_options(h, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  return ctx;
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(const TlsIdentity& identity) {
  KB_TRY(auto ctx, Base(ssl::context::tls_server));
  SSL_CTX* h = ctx->native_handle();
  if (SSL_CTX_use_certificate_chain_file(h, identity.cert_file.c_str()) != 1) {
    return Fail(Error::InvalidArgument(
        fmt::format("{}: not a usable certificate", identity.cert_file.string())));
  }
  if (SSL_CTX_use_PrivateKey_file(h, identity.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(h) != 1) {
    return Fail(Error::InvalidArgument(fmt::format(
        "{}: not the key of {}", identity.key_file.string(), identity.cert_file.string())));
  }
  SSL_CTX_set_session_cache_mode(h, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(h, 0);
  return ctx;
}

Result<std::shared_ptr<ssl::context>> MakeClientTlsContext(const std::filesystem::path& ca_file) {
  KB_TRY(auto ctx, Base(ssl::context::tls_client));
  SSL_CTX* h = ctx->native_handle();
  if (ca_file.empty() || SSL_CTX_load_verify_locations(h, ca_file.c_str(), nullptr) != 1) {
    return Fail(Error::InvalidArgument(
        fmt::format("CA file '{}': no usable certificate", ca_file.string())));
  }
  SSL_CTX_set_verify(h, SSL_VERIFY_PEER, nullptr);
  // The self-signed server certificate is its own trust anchor: accept a trusted leaf as anchor.
  X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(h), X509_V_FLAG_PARTIAL_CHAIN);
  return ctx;
}

}  // namespace kb::net
