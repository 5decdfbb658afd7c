// Authorisation of XCAP requests on the user profile documents (TS 24.484 6 leaves the policy
// to the CMS; TS 23.283 seed pCR: "the IWF is authorized to modify records for the MCPTT user"):
// a user reads only their own profile; only an IWF identity may write the keybridge LMR root
// key element; administrators manage everything else. Pure functions; docs/cms.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cms/xcap_uri.h"
#include "core/bytes.h"

namespace kb::cms {

enum class XcapMethod { kGet, kPut, kDelete };

struct AuthorisationPolicy {
  std::vector<std::string> iwf_identities;
  std::vector<std::string> administrators;
};

// What a request touches.
struct XcapTarget {
  std::string xui;  // whose profile
  bool whole_document = true;
  bool root_key_element = false;  // the selector names an lmr-root-key element (or inside it)
  // For a whole-document PUT: whether the lmr-root-key elements of the new document differ
  // from those of the stored one (the CMS computes this).
  bool root_keys_changed = false;
};

// True when the selector's second step is the keybridge lmr-root-key element (unprefixed names
// are in the user-profile namespace, prefixed ones resolved through the selector's bindings).
bool SelectsRootKeyElement(const NodeSelector& selector);

// The target of a parsed request.
XcapTarget TargetOf(const XcapUri& uri);

// kUnauthorised with the reason, or Ok.
Status AuthoriseXcap(std::string_view requester, XcapMethod method, const XcapTarget& target,
                     const AuthorisationPolicy& policy);

}  // namespace kb::cms
