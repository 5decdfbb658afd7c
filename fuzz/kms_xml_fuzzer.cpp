// TS 33.180 Annex D: fuzz target for the KMS document parsers (KmsCertificate, KmsKeySet,
// KmsRequest, KmsResponse, and the loaders that accept any of them). Whatever parses must
// re-emit and parse again to an equal value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kms/kms_certificate.h"
#include "kms/kms_key_set.h"
#include "kms/kms_request.h"
#include "kms/kms_response.h"
#include "kms/user_key_documents.h"

namespace {

std::string_view Text(const kb::SecretBytes& s) { return kb::AsString(s.Reveal()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto c = kb::kms::ParseKmsCertificate(in)) {
    auto again = kb::kms::ParseKmsCertificate(kb::kms::ToXml(*c));
    if (!again || !(*again == *c)) std::abort();
  }
  if (auto k = kb::kms::ParseKmsKeySet(in)) {
    auto again = kb::kms::ParseKmsKeySet(Text(kb::kms::ToXml(*k)));
    if (!again || !(*again == *k)) std::abort();
  }
  if (auto r = kb::kms::ParseKmsRequest(in)) {
    // KrrList entries are re-serialised by pugixml, so only the fixed fields must survive.
    auto again = kb::kms::ParseKmsRequest(kb::kms::ToXml(*r));
    if (!again || again->user_uri != r->user_uri || again->time.seconds() != r->time.seconds()) {
      std::abort();
    }
  }
  if (auto r = kb::kms::ParseKmsResponse(in)) {
    auto again = kb::kms::ParseKmsResponse(Text(kb::kms::ToXml(*r)));
    if (!again || again->kms_uri != r->kms_uri || again->message.index() != r->message.index()) {
      std::abort();
    }
  }
  (void)kb::kms::LoadKmsCertificate(in);
  (void)kb::kms::LoadKmsKeySets(in);
  return 0;
}
