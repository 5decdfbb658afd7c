// RFC 9110 HTTP semantics: header lookup and canned responses.
#include "net/http_message.h"

#include "core/secret.h"

namespace kb::net {

std::string HttpRequest::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse::~HttpResponse() {
  if (!body.empty()) SecureWipe(body.data(), body.size());
}

std::string HttpResponse::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse TextResponse(unsigned status, std::string text) {
  return HttpResponse(status, "text/plain; charset=utf-8", std::move(text));
}

HttpResponse JsonResponse(unsigned status, std::string json) {
  return HttpResponse(status, "application/json", std::move(json));
}

}  // namespace kb::net
