// RFC 4825 (XCAP) 8 over HTTPS with TS 24.484 6 user profiles: GET/PUT/DELETE of documents and
// of single elements, ETags and conditional requests (RFC 9110 13), IdMS access tokens
// (TS 33.180 Annex B) and the CMS authorisation rules (cms/authorisation.h). docs/cms.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "cms/authorisation.h"
#include "cms_service/document_store.h"
#include "idms/jwt.h"
#include "net/http_server.h"

namespace kb::cms_service {

// The HTTP path of the XCAP root (the request URI of a document is kXcapRootPath "/" selector).
inline constexpr std::string_view kXcapRootPath = "/xcap-root";
// MIME types: the profile document (TS 24.484 application usage) and an element (RFC 4825 15.2).
inline constexpr std::string_view kUserProfileMime = "application/vnd.3gpp.mcptt-user-profile+xml";
inline constexpr std::string_view kXcapElementMime = "application/xcap-el+xml";
// keybridge resource (not XCAP): the XUIs with an LMR-aware profile, for IWFs and administrators.
inline constexpr std::string_view kLmrAwareUsersPath = "/keybridge/cms/v1/lmr-aware-users";

// One committed change, for the xcap-diff notifier.
struct DocumentChange {
  std::string xui;
  std::string document_selector;
  std::string previous_etag;        // empty: the document was created
  std::string new_etag;             // empty: the document was deleted
  std::optional<std::string> node;  // the node selector of an element operation
  bool node_exists = true;          // false after an element DELETE
};
using ChangeListener = std::function<void(const DocumentChange&)>;

struct CmsServiceOptions {
  cms::AuthorisationPolicy policy;
  int64_t token_leeway_seconds = 60;
};

// Counters for the node status and the benchmark.
struct CmsCounters {
  std::atomic<uint64_t> gets{0}, puts{0}, deletes{0}, refused{0}, conflicts{0};
};

// The engine: no sockets. Thread-safe; writes are serialised (one read-modify-write at a time).
class CmsService {
 public:
  // store must outlive the service.
  CmsService(DocumentStore& store, idms::JwtVerifier verifier, CmsServiceOptions options);

  // Called after every committed change, in commit order, under the write lock: it must not
  // block (the notifier only queues NOTIFYs). Set before serving.
  void SetChangeListener(ChangeListener listener);

  // Answers one request at Unix time now. request.path is the encoded path under
  // kXcapRootPath (or kLmrAwareUsersPath); request.query the xmlns() bindings. Status codes:
  // 200/201 (ETag header), 304 (If-None-Match on GET), 400 a bad URI, 401 no or bad token
  // (WWW-Authenticate: Bearer), 403 refused by the rules, 404 no such document or element, 409
  // with an RFC 4825 xcap-error body, 412 a failed If-Match/If-None-Match, 500 a store failure.
  net::HttpResponse Handle(const net::HttpRequest& request, int64_t now) const;

  // The identity of an "Authorization: Bearer <token>" header value (SIP SUBSCRIBE uses it too).
  Result<idms::JwtClaims> Authenticate(std::string_view authorization, int64_t now) const;

  DocumentStore& store() const { return store_; }
  const CmsServiceOptions& options() const { return options_; }
  const CmsCounters& counters() const { return counters_; }

 private:
  net::HttpResponse HandleXcap(const net::HttpRequest& request, const std::string& requester,
                               int64_t now) const;
  net::HttpResponse HandleLmrAware(const std::string& requester) const;

  DocumentStore& store_;
  idms::JwtVerifier verifier_;
  CmsServiceOptions options_;
  ChangeListener listener_;
  mutable std::mutex write_mu_;
  mutable CmsCounters counters_;
};

// GET/PUT/DELETE under kXcapRootPath "/" and GET kLmrAwareUsersPath. clock gives Unix seconds.
void AddCmsRoutes(net::HttpRouter& router, const CmsService& service,
                  std::function<int64_t()> clock);

// RFC 9110 13.1.1/13.1.2: whether an If-Match / If-None-Match field value ("*" or a list of
// entity tags) matches etag (strong comparison; weak tags never match).
bool EtagListMatches(std::string_view field, std::string_view etag);

}  // namespace kb::cms_service
