// keybridge IdMS over HTTPS (docs/idms.md): POST /idms/token (RFC 6749 4.3 password grant, form
// or JSON), POST /idms/users (admin), GET /.well-known/jwks.json (RFC 7517).
#pragma once

#include <cstdint>
#include <functional>

#include "idms/idms.h"
#include "net/http_server.h"

namespace kb::idms {

// Adds the IdMS routes to router. clock returns the current Unix time. idms must outlive the
// router.
void AddIdmsRoutes(net::HttpRouter& router, const Idms& idms, std::function<int64_t()> clock);

// "Bearer <token>" -> token; empty when the header is absent or has another scheme.
std::string_view BearerToken(std::string_view authorization);

}  // namespace kb::idms
