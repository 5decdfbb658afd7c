// RFC 9110 HTTP semantics: the request and response values the HTTPS server and client pass to
// and from their callers, free of any Boost type.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace kb::net {

struct HttpRequest {
  std::string method;                          // "GET", "POST" ...
  std::string path;                            // the target without the query, still encoded
  std::string query;                           // after '?', without it (empty: none)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string peer;  // "address:port" of the client (server side only)

  // The header's value, or empty when absent. name in lower case.
  std::string Header(std::string_view name) const;
};

// The body may hold key material (KmsKeyProv), so it is wiped when the response goes away.
struct HttpResponse {
  unsigned status = 200;
  std::string content_type;                    // empty: no Content-Type
  std::map<std::string, std::string> headers;  // extra headers, names in lower case
  std::string body;

  HttpResponse() = default;
  HttpResponse(unsigned s, std::string type, std::string b)
      : status(s), content_type(std::move(type)), body(std::move(b)) {}
  HttpResponse(HttpResponse&&) noexcept = default;
  HttpResponse& operator=(HttpResponse&&) noexcept = default;
  HttpResponse(const HttpResponse&) = delete;
  HttpResponse& operator=(const HttpResponse&) = delete;
  ~HttpResponse();

  std::string Header(std::string_view name) const;
};

// A plain-text or JSON response with the given status.
HttpResponse TextResponse(unsigned status, std::string text);
HttpResponse JsonResponse(unsigned status, std::string json);

}  // namespace kb::net
