// TS 33.180 5.3 and Annex D: loading the KMS certificate and key sets from any document form.
#include "kms/user_key_documents.h"

#include <fmt/format.h>

#include <variant>

#include "kms/kms_response.h"
#include "kms/kms_xml.h"

namespace kb::kms {
namespace {

Result<std::string> RootName(std::string_view text) {
  xml::Document doc;
  KB_CHECK(doc.Load(text));
  KB_TRY(pugi::xml_node root, doc.Root());
  return std::string(xml::LocalName(root.name()));
}

Error KmsErrorToError(const KmsError& e) {
  return Error::NotFound(
      fmt::format("KmsResponse: the KMS answered KmsError {} '{}'", e.error_code, e.error_msg));
}

}  // namespace

Result<KmsCertificate> LoadKmsCertificate(std::string_view text, std::string_view kms_uri) {
  KB_TRY(std::string root, RootName(text));
  if (root == "KmsCertificate") return ParseKmsCertificate(text);
  if (root != "KmsResponse") {
    return Fail(Error::Malformed(
        fmt::format("<{}>: expected a KmsCertificate or a KmsResponse document", root)));
  }
  KB_TRY(KmsResponse r, ParseKmsResponse(text));
  if (auto* init = std::get_if<KmsInit>(&r.message)) return std::move(init->certificate);
  if (auto* cache = std::get_if<KmsCertCache>(&r.message)) {
    for (auto& c : cache->certificates) {
      if (kms_uri.empty() || c.kms_uri == kms_uri) return std::move(c);
    }
    return Fail(Error::NotFound(fmt::format("KmsCertCache: no certificate for KmsUri '{}'",
                                            kms_uri.empty() ? "(any)" : kms_uri)));
  }
  if (auto* err = std::get_if<KmsError>(&r.message)) return Fail(KmsErrorToError(*err));
  return Fail(Error::NotFound("KmsResponse: carries key sets, not a KMS certificate"));
}

Result<std::vector<KmsKeySet>> LoadKmsKeySets(std::string_view text) {
  KB_TRY(std::string root, RootName(text));
  std::vector<KmsKeySet> out;
  if (root == "KmsKeySet") {
    KB_TRY(KmsKeySet k, ParseKmsKeySet(text));
    out.push_back(std::move(k));
    return out;
  }
  if (root != "KmsResponse") {
    return Fail(Error::Malformed(
        fmt::format("<{}>: expected a KmsKeySet or a KmsResponse document", root)));
  }
  KB_TRY(KmsResponse r, ParseKmsResponse(text));
  if (auto* prov = std::get_if<KmsKeyProv>(&r.message)) return std::move(prov->key_sets);
  if (auto* err = std::get_if<KmsError>(&r.message)) return Fail(KmsErrorToError(*err));
  return Fail(Error::NotFound("KmsResponse: carries no KmsKeyProv"));
}

Result<KmsKeySet> SelectKeySet(const std::vector<KmsKeySet>& key_sets, std::string_view user_uri,
                               uint64_t period_number) {
  for (const auto& k : key_sets) {
    if ((user_uri.empty() || k.user_uri == user_uri) && k.key_period_no == period_number) {
      return k.Clone();
    }
  }
  return Fail(
      Error::NotFound(fmt::format("no key set for '{}' in key period {}",
                                  user_uri.empty() ? "(any user)" : user_uri, period_number)));
}

}  // namespace kb::kms
