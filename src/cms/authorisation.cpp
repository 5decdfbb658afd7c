// The CMS authorisation rules for user profiles and the keybridge LMR root key element.
#include "cms/authorisation.h"

#include <fmt/format.h>

#include <algorithm>

#include "cms/user_profile.h"

namespace kb::cms {

namespace {

bool In(const std::vector<std::string>& list, std::string_view id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

const char* MethodName(XcapMethod m) {
  switch (m) {
    case XcapMethod::kGet:
      return "GET";
    case XcapMethod::kPut:
      return "PUT";
    case XcapMethod::kDelete:
      return "DELETE";
  }
  return "?";
}

}  // namespace

bool SelectsRootKeyElement(const NodeSelector& s) {
  if (s.steps.size() < 2) return false;
  const NodeStep& step = s.steps[1];
  if (step.local == "*") return true;  // a wildcard may reach it: treat as the root key
  if (step.local != kLmrRootKeyElement) return false;
  if (step.prefix.empty()) return false;  // unprefixed: the user-profile namespace
  auto it = s.namespaces.find(step.prefix);
  return it == s.namespaces.end() || it->second == kLmrRootKeyNs;
}

XcapTarget TargetOf(const XcapUri& uri) {
  XcapTarget t;
  t.xui = uri.xui;
  t.whole_document = !uri.node.has_value();
  t.root_key_element = uri.node && SelectsRootKeyElement(*uri.node);
  return t;
}

Status AuthoriseXcap(std::string_view requester, XcapMethod method, const XcapTarget& t,
                     const AuthorisationPolicy& policy) {
  auto refuse = [&](std::string_view why) {
    return Fail(Error::Unauthorised(fmt::format("{} by {} on the profile of {}: {}",
                                                MethodName(method), requester, t.xui, why)));
  };
  if (requester.empty()) return refuse("no authenticated identity");
  bool admin = In(policy.administrators, requester);
  bool iwf = In(policy.iwf_identities, requester);
  bool owner = requester == t.xui;

  if (method == XcapMethod::kGet) {
    if (owner || admin) return Ok();
    if (iwf && t.root_key_element) return Ok();
    return refuse("a user reads only their own profile");
  }
  if (t.root_key_element) {
    if (iwf) return Ok();
    return refuse("only an IWF identity may write the LMR root key element");
  }
  if (!admin) {
    return refuse(iwf ? "an IWF may write only the LMR root key element"
                      : "only administrators change user profiles");
  }
  if (t.whole_document && method == XcapMethod::kPut && t.root_keys_changed) {
    return refuse("the document PUT changes the LMR root key element, which only an IWF writes");
  }
  return Ok();
}

}  // namespace kb::cms
