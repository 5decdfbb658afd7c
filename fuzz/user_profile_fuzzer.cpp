// TS 24.484 user profile / RFC 4825 XCAP / RFC 5875 xcap-diff parsers (the CMS documents, with
// the keybridge LMR root key element) fuzz target: any input fails cleanly, and whatever parses
// serialises to something that parses again.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "cms/user_profile.h"
#include "cms/xcap_diff.h"
#include "cms/xcap_uri.h"
#include "mikey/lmr_root_key_extension.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto p = kb::cms::ParseUserProfile(text)) {
    auto xml = kb::cms::SerializeUserProfile(*p);
    if (!xml || !kb::cms::ParseUserProfile(*xml)) std::abort();
    for (const auto& k : p->lmr_root_keys) (void)kb::cms::CheckLmrRootKeyElement(k);
  }
  if (auto e = kb::cms::ParseLmrRootKeyElement(text)) {
    auto xml = kb::cms::SerializeLmrRootKeyElement(*e);
    if (!xml) std::abort();
    auto again = kb::cms::ParseLmrRootKeyElement(*xml);
    if (!again || *again != *e) std::abort();
  }
  if (auto u = kb::cms::ParseXcapUri(text)) {
    if (!kb::cms::ParseXcapUri(u->DocumentSelector())) std::abort();
    if (u->node) {
      auto again = kb::cms::ParseNodeSelector(kb::cms::FormatNodeSelector(*u->node));
      if (!again || again->steps != u->node->steps) std::abort();
    }
  }
  if (auto d = kb::cms::ParseXcapDiff(text)) {
    auto xml = kb::cms::SerializeXcapDiff(*d);
    if (xml && !kb::cms::ParseXcapDiff(*xml)) std::abort();
  }
  kb::ByteView bytes(data, size);
  if (auto x = kb::mikey::LmrRootKeyExtension::Decode(bytes)) {
    auto again = x->Encode();
    if (!again || again->size() != size || std::memcmp(again->data(), data, size) != 0) {
      std::abort();
    }
  }
  return 0;
}
