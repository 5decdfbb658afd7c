// RFC 4825 8 (XCAP operations) with TS 24.484 user profiles over HTTPS: token, URI, rules,
// conditional request, the document operation, the store, the change notification.
#include "cms_service/cms_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "cms/user_profile.h"
#include "cms/xcap_document.h"
#include "cms/xcap_uri.h"
#include "cms_service/xcap_error.h"
#include "idms/idms_http.h"
#include "mikey/i_message.h"

namespace kb::cms_service {
namespace {

using net::HttpResponse;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

HttpResponse Text(unsigned status, std::string text) {
  return HttpResponse(status, "text/plain", std::move(text) + "\n");
}

HttpResponse WithEtag(HttpResponse r, const std::string& etag) {
  if (!etag.empty()) r.headers["etag"] = etag;
  return r;
}

bool WellFormed(std::string_view xml) {
  pugi::xml_document doc;
  return doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
}

// One element and nothing else (RFC 4825 8.2.1 "not-xml-frag").
bool SingleElement(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_fragment,
                       pugi::encoding_utf8)) {
    return false;
  }
  int elements = 0;
  for (pugi::xml_node n : doc.children()) {
    if (n.type() == pugi::node_element) ++elements;
    if (n.type() == pugi::node_pcdata && !Trim(n.value()).empty()) return false;
  }
  return elements == 1;
}

cms::XcapMethod MethodOf(std::string_view m) {
  if (m == "PUT") return cms::XcapMethod::kPut;
  if (m == "DELETE") return cms::XcapMethod::kDelete;
  return cms::XcapMethod::kGet;
}

// RFC 9110 13.2.2: the preconditions of a request on a document that has etag ("" = absent).
// Returns the failing status (412, or 304 for a GET's If-None-Match), or 0.
unsigned Preconditions(const net::HttpRequest& request, const std::string& etag) {
  std::string if_match = request.Header("if-match");
  std::string if_none = request.Header("if-none-match");
  if (!if_match.empty()) {
    if (etag.empty() || !EtagListMatches(if_match, etag)) return 412;
  }
  if (!if_none.empty() && !etag.empty() && EtagListMatches(if_none, etag)) {
    return request.method == "GET" ? 304 : 412;
  }
  return 0;
}

}  // namespace

bool EtagListMatches(std::string_view field, std::string_view etag) {
  field = Trim(field);
  if (field == "*") return !etag.empty();
  while (!field.empty()) {
    size_t comma = field.find(',');
    std::string_view one = Trim(field.substr(0, comma));
    if (!one.starts_with("W/") && one == etag) return true;
    if (comma == std::string_view::npos) break;
    field.remove_prefix(comma + 1);
  }
  return false;
}

CmsService::CmsService(DocumentStore& store, idms::JwtVerifier verifier, CmsServiceOptions options)
    : store_(store), verifier_(std::move(verifier)), options_(std::move(options)) {}

void CmsService::SetChangeListener(ChangeListener listener) { listener_ = std::move(listener); }

Result<idms::JwtClaims> CmsService::Authenticate(std::string_view authorization,
                                                 int64_t now) const {
  std::string_view token = idms::BearerToken(authorization);
  if (token.empty()) return Fail(Error::Unauthorised("access token required"));
  return verifier_.Verify(token, now, options_.token_leeway_seconds);
}

HttpResponse CmsService::Handle(const net::HttpRequest& request, int64_t now) const {
  auto claims = Authenticate(request.Header("authorization"), now);
  if (!claims) {
    counters_.refused++;
    spdlog::info("CMS {} {} refused: 401 {}", request.method, request.path,
                 claims.error().message());
    HttpResponse r = Text(401, claims.error().message());
    r.headers["www-authenticate"] =
        request.Header("authorization").empty() ? "Bearer" : "Bearer error=\"invalid_token\"";
    return r;
  }
  if (request.path == kLmrAwareUsersPath) return HandleLmrAware(claims->sub);
  return HandleXcap(request, claims->sub, now);
}

HttpResponse CmsService::HandleLmrAware(const std::string& requester) const {
  const auto& p = options_.policy;
  bool allowed = std::find(p.iwf_identities.begin(), p.iwf_identities.end(), requester) !=
                     p.iwf_identities.end() ||
                 std::find(p.administrators.begin(), p.administrators.end(), requester) !=
                     p.administrators.end();
  if (!allowed) {
    counters_.refused++;
    return Text(403, "only IWF identities and administrators list LMR-aware users");
  }
  auto xuis = store_.ListLmrAwareXuis();
  if (!xuis) return Text(500, "store: " + xuis.error().message());
  nlohmann::json j;
  j["users"] = *xuis;
  return net::JsonResponse(200, j.dump());
}

HttpResponse CmsService::HandleXcap(const net::HttpRequest& request, const std::string& requester,
                                    int64_t now) const {
  // 1. The URI (RFC 4825 6).
  std::string_view path = request.path;
  if (!path.starts_with(kXcapRootPath) || path.size() <= kXcapRootPath.size() ||
      path[kXcapRootPath.size()] != '/') {
    return Text(404, "not under the XCAP root");
  }
  std::string relative(path.substr(kXcapRootPath.size() + 1));
  if (!request.query.empty()) relative += "?" + request.query;
  auto uri = cms::ParseXcapUri(relative);
  if (!uri) {
    return Text(uri.error().kind() == ErrorKind::kNotFound ? 404 : 400, uri.error().message());
  }
  const std::string selector = uri->DocumentSelector();
  const cms::XcapMethod method = MethodOf(request.method);

  // 2. The rules, before anything about the document is revealed.
  cms::XcapTarget target = cms::TargetOf(*uri);
  auto refuse = [&](const Error& e) {
    counters_.refused++;
    spdlog::info("CMS {} {} by {} refused: 403 {}", request.method, selector, requester,
                 e.message());
    return Text(403, e.message());
  };
  if (auto st = cms::AuthoriseXcap(requester, method, target, options_.policy); !st) {
    return refuse(st.error());
  }

  std::unique_lock<std::mutex> lock(write_mu_, std::defer_lock);
  if (method != cms::XcapMethod::kGet) lock.lock();
  auto stored = store_.Get(selector);
  if (!stored) return Text(500, "store: " + stored.error().message());
  const std::string old_etag = *stored ? (*stored)->etag : std::string();

  // 3. GET (RFC 4825 8.3 (document), 7.4 (element)).
  if (method == cms::XcapMethod::kGet) {
    counters_.gets++;
    if (!*stored) return Text(404, "no such document");
    if (unsigned s = Preconditions(request, old_etag); s != 0) {
      // A 304 has no body (RFC 9110 15.4.5).
      return WithEtag(s == 304 ? HttpResponse(304, "", "") : Text(s, "precondition failed"),
                      old_etag);
    }
    if (!uri->node) {
      return WithEtag(HttpResponse(200, std::string(kUserProfileMime), (*stored)->content),
                      old_etag);
    }
    auto element = cms::GetElement((*stored)->content, *uri->node, cms::kUserProfileNs);
    if (!element) {
      // The document's ETag even so: a writer inserting the element conditions its PUT on it.
      return WithEtag(Text(404, element.error().message()), old_etag);
    }
    return WithEtag(HttpResponse(200, std::string(kXcapElementMime), std::move(*element)),
                    old_etag);
  }

  if (unsigned s = Preconditions(request, old_etag); s != 0) {
    counters_.conflicts++;
    return WithEtag(Text(412, "precondition failed: the document's entity tag differs"), old_etag);
  }

  StoredDocument next;
  next.selector = selector;
  next.xui = uri->xui;
  next.profile_index = uri->profile_index;
  next.updated_at = now;
  unsigned ok_status = 200;
  DocumentChange change{uri->xui, selector, old_etag, "", std::nullopt, true};
  if (uri->node) change.node = cms::FormatNodeSelector(*uri->node);

  if (method == cms::XcapMethod::kDelete) {
    counters_.deletes++;
    if (!*stored) return Text(404, "no such document");
    if (!uri->node) {
      if (auto st = store_.Delete(selector); !st)
        return Text(500, "store: " + st.error().message());
      spdlog::info("CMS DELETE {} by {}", selector, requester);
      if (listener_) listener_(change);
      return Text(200, "deleted");
    }
    auto doc = cms::DeleteElement((*stored)->content, *uri->node, cms::kUserProfileNs);
    if (!doc) {
      if (doc.error().kind() == ErrorKind::kConflict) {
        return XcapConflict(XcapErrorCondition::kCannotDelete, doc.error().message());
      }
      return Text(404, doc.error().message());
    }
    next.content = std::move(*doc);
    change.node_exists = false;
  } else {
    counters_.puts++;
    const std::string& body = request.body;
    if (!uri->node) {
      // Whole document (RFC 4825 8.2.1).
      if (!WellFormed(body)) return XcapConflict(XcapErrorCondition::kNotWellFormed, "");
      auto profile = cms::ParseUserProfile(body);
      if (!profile) {
        return XcapConflict(XcapErrorCondition::kSchemaValidationError, profile.error().message());
      }
      if (profile->mc_id != uri->xui || profile->profile_index != uri->profile_index) {
        return XcapConflict(XcapErrorCondition::kConstraintFailure,
                            "XUI-URI and user-profile-index must match the document URI");
      }
      std::vector<cms::LmrRootKeyElement> before;
      if (*stored) {
        auto old_profile = cms::ParseUserProfile((*stored)->content);
        if (old_profile) before = old_profile->lmr_root_keys;
      }
      target.root_keys_changed = before != profile->lmr_root_keys;
      if (auto st = cms::AuthoriseXcap(requester, method, target, options_.policy); !st) {
        return refuse(st.error());
      }
      next.content = body;
      if (!*stored) ok_status = 201;
    } else {
      // One element (RFC 4825 8.2.3).
      if (!*stored) return XcapConflict(XcapErrorCondition::kNoParent, "no such document");
      if (!SingleElement(body)) {
        return XcapConflict(
            WellFormed(body) ? XcapErrorCondition::kNotXmlFrag : XcapErrorCondition::kNotWellFormed,
            "");
      }
      auto existing = cms::GetElement((*stored)->content, *uri->node, cms::kUserProfileNs);
      if (target.root_key_element) {
        auto element = cms::ParseLmrRootKeyElement(body);
        if (!element) {
          return XcapConflict(XcapErrorCondition::kSchemaValidationError,
                              element.error().message());
        }
        if (auto st = cms::CheckLmrRootKeyElement(*element); !st) {
          return XcapConflict(XcapErrorCondition::kConstraintFailure, st.error().message());
        }
        if (element->iwf_uri != requester) {
          return XcapConflict(XcapErrorCondition::kConstraintFailure,
                              "lmr-root-key@iwf must be the writing IWF's identity");
        }
        auto im = mikey::IMessage::Decode(element->i_message);
        const mikey::IdrPayload* idrr =
            im ? im->FindIdr(static_cast<uint8_t>(mikey::IdRole::kIdrr)) : nullptr;
        if (idrr != nullptr && idrr->id_string() != uri->xui) {
          return XcapConflict(XcapErrorCondition::kConstraintFailure,
                              "the root key I_MESSAGE is addressed to another user");
        }
        auto old_profile = cms::ParseUserProfile((*stored)->content);
        if (old_profile) {
          for (const auto& k : old_profile->lmr_root_keys) {
            if (k.lmr_type == element->lmr_type && element->rotation_serial < k.rotation_serial) {
              return XcapConflict(
                  XcapErrorCondition::kConstraintFailure,
                  fmt::format("rotation-serial {} is below the stored {} (rollback refused)",
                              element->rotation_serial, k.rotation_serial));
            }
          }
        }
      }
      auto doc = cms::PutElement((*stored)->content, *uri->node, cms::kUserProfileNs, body);
      if (!doc) {
        switch (doc.error().kind()) {
          case ErrorKind::kConflict:
            return XcapConflict(XcapErrorCondition::kCannotInsert, doc.error().message());
          case ErrorKind::kNotFound:
            return XcapConflict(XcapErrorCondition::kNoParent, doc.error().message());
          default:
            return XcapConflict(XcapErrorCondition::kNotXmlFrag, doc.error().message());
        }
      }
      next.content = std::move(*doc);
      if (!existing) ok_status = 201;
    }
  }

  // 4. The resulting document must still be a valid profile (the schema of the application
  // usage, RFC 4825 8.2.5).
  auto profile = cms::ParseUserProfile(next.content);
  if (!profile) {
    return XcapConflict(XcapErrorCondition::kSchemaValidationError, profile.error().message());
  }
  next.lmr_aware = !profile->lmr_kmf_uri.empty();
  next.etag = cms::ComputeEtag(next.content);
  if (auto st = store_.Put(next); !st) return Text(500, "store: " + st.error().message());
  change.new_etag = next.etag;
  spdlog::info("CMS {} {}{} by {}: ETag {} -> {}", request.method, selector,
               change.node ? "/~~/" + *change.node : "", requester,
               old_etag.empty() ? "(none)" : old_etag, next.etag);
  if (listener_) listener_(change);
  return WithEtag(Text(ok_status, ok_status == 201 ? "created" : "ok"), next.etag);
}

void AddCmsRoutes(net::HttpRouter& router, const CmsService& service,
                  std::function<int64_t()> clock) {
  std::string prefix = std::string(kXcapRootPath) + "/";
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    router.AddPrefix(method, prefix, [&service, clock](const net::HttpRequest& r) {
      return service.Handle(r, clock());
    });
  }
  router.Add("GET", std::string(kLmrAwareUsersPath),
             [&service, clock](const net::HttpRequest& r) { return service.Handle(r, clock()); });
}

}  // namespace kb::cms_service
