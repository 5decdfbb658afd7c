// TS 33.180 Annex D (D.3, Tables D.3.0-1 / D.3.1-1): KmsResponse reader and writer.
#include "kms/kms_response.h"

#include <fmt/format.h>

#include "kms/kms_xml.h"

namespace kb::kms {
namespace {

Result<KmsInit> ReadInit(pugi::xml_node e) {
  KmsInit init;
  KB_TRY(auto seq, xml::Sequence::Open(e));
  if (auto signed_cert = seq.Optional("SignedKmsCertificate")) {
    // The certificate followed by its ds:Signature (a foreign element, skipped).
    KB_TRY(auto inner, xml::Sequence::Open(signed_cert));
    KB_TRY(auto cert, inner.Required("KmsCertificate"));
    KB_TRY(init.certificate, ReadKmsCertificate(cert));
    KB_CHECK(inner.End());
  } else {
    KB_TRY(auto cert, seq.Required("KmsCertificate"));
    KB_TRY(init.certificate, ReadKmsCertificate(cert));
  }
  if (auto trk = seq.Optional("NewTransportKey")) {
    KB_TRY(init.new_transport_key, xml::KeyContent(trk));
  }
  KB_CHECK(seq.End());
  return init;
}

Result<KmsKeyProv> ReadKeyProv(pugi::xml_node e) {
  KmsKeyProv prov;
  KB_TRY(auto seq, xml::Sequence::Open(e));
  KB_TRY(auto sets, seq.Repeated("KmsKeySet", kMaxKeySets));
  KB_CHECK(seq.End());
  for (auto s : sets) {
    KB_TRY(KmsKeySet k, ReadKmsKeySet(s));
    prov.key_sets.push_back(std::move(k));
  }
  return prov;
}

Result<KmsCertCache> ReadCertCache(pugi::xml_node e) {
  KmsCertCache cache;
  if (auto num = xml::Attribute(e, "CacheNum")) {
    KB_TRY(uint64_t v,
           xml::ParseUnsigned(*num, fmt::format("{} attribute CacheNum", xml::Where(e))));
    cache.cache_num = v;
  }
  KB_TRY(auto seq, xml::Sequence::Open(e));
  KB_TRY(auto certs, seq.Repeated("KmsCertificate", kMaxCachedCertificates));
  KB_CHECK(seq.End());
  for (auto c : certs) {
    KB_TRY(KmsCertificate cert, ReadKmsCertificate(c));
    cache.certificates.push_back(std::move(cert));
  }
  return cache;
}

Result<KmsError> ReadError(pugi::xml_node e) {
  KmsError err;
  KB_TRY(auto seq, xml::Sequence::Open(e));
  KB_TRY(auto code, seq.Required("ErrorCode"));
  KB_TRY(err.error_code, xml::Unsigned(code));
  if (auto msg = seq.Optional("ErrorMsg")) {
    KB_TRY(err.error_msg, xml::Text(msg));
  }
  KB_CHECK(seq.End());
  return err;
}

Result<KmsMessage> ReadMessage(pugi::xml_node e) {
  KB_TRY(auto seq, xml::Sequence::Open(e));
  KmsMessage message;
  if (auto n = seq.Optional("KmsInit")) {
    KB_TRY(message, ReadInit(n));
  } else if (auto n2 = seq.Optional("KmsKeyProv")) {
    KB_TRY(message, ReadKeyProv(n2));
  } else if (auto n3 = seq.Optional("KmsCertCache")) {
    KB_TRY(message, ReadCertCache(n3));
  } else if (auto n4 = seq.Optional("KmsError")) {
    KB_TRY(message, ReadError(n4));
  } else {
    std::string_view found = seq.PeekName();
    return Fail(Error::Malformed(fmt::format(
        "{}: expected one of <KmsInit>, <KmsKeyProv>, <KmsCertCache>, <KmsError>, found {}",
        xml::Where(e), found.empty() ? std::string("nothing") : fmt::format("<{}>", found))));
  }
  KB_CHECK(seq.End());
  return message;
}

void AppendMessage(pugi::xml_node parent, const KmsMessage& message) {
  pugi::xml_node m = xml::AddElement(parent, "KmsMessage");
  if (const auto* init = std::get_if<KmsInit>(&message)) {
    pugi::xml_node e = xml::AddElement(m, "KmsInit");
    AppendKmsCertificate(e, init->certificate);
    if (init->new_transport_key) {
      xml::AddKey(e, "NewTransportKey", init->new_transport_key->Reveal());
    }
  } else if (const auto* prov = std::get_if<KmsKeyProv>(&message)) {
    pugi::xml_node e = xml::AddElement(m, "KmsKeyProv");
    for (const auto& k : prov->key_sets) AppendKmsKeySet(e, k);
  } else if (const auto* cache = std::get_if<KmsCertCache>(&message)) {
    pugi::xml_node e = xml::AddElement(m, "KmsCertCache");
    e.append_attribute("CacheNum") = fmt::format("{}", cache->cache_num).c_str();
    for (const auto& c : cache->certificates) AppendKmsCertificate(e, c);
  } else if (const auto* err = std::get_if<KmsError>(&message)) {
    pugi::xml_node e = xml::AddElement(m, "KmsError");
    xml::AddUnsigned(e, "ErrorCode", err->error_code);
    if (!err->error_msg.empty()) xml::AddText(e, "ErrorMsg", err->error_msg);
  }
}

}  // namespace

Result<KmsResponse> ParseKmsResponse(std::string_view text) {
  xml::Document doc;
  KB_CHECK(doc.Load(text));
  KB_TRY(pugi::xml_node root, doc.Root());
  if (xml::LocalName(root.name()) != "KmsResponse") {
    return Fail(
        Error::Malformed(fmt::format("{}: expected a KmsResponse document", xml::Where(root))));
  }
  KmsResponse r;
  r.version = std::string(xml::Attribute(root, "Version").value_or(""));
  KB_TRY(auto seq, xml::Sequence::Open(root));
  KB_TRY(auto user_uri, seq.Required("UserUri"));
  KB_TRY(r.user_uri, xml::NonEmptyText(user_uri));
  KB_TRY(auto kms_uri, seq.Required("KmsUri"));
  KB_TRY(r.kms_uri, xml::NonEmptyText(kms_uri));
  KB_TRY(auto time, seq.Required("Time"));
  KB_TRY(r.time, xml::DateTime(time));
  if (auto n = seq.Optional("KmsId")) {
    KB_TRY(r.kms_id, xml::Text(n));
  }
  KB_TRY(auto url, seq.Required("ClientReqUrl"));
  KB_TRY(r.client_req_url, xml::NonEmptyText(url));
  if (auto err = seq.Optional("KmsError")) {
    // Some implementations put KmsError in place of KmsMessage.
    KB_TRY(r.message, ReadError(err));
  } else {
    KB_TRY(auto message, seq.Required("KmsMessage"));
    KB_TRY(r.message, ReadMessage(message));
  }
  KB_CHECK(seq.End());
  return r;
}

SecretBytes ToXml(const KmsResponse& r) {
  pugi::xml_document doc;
  pugi::xml_node e = xml::NewRoot(doc, "KmsResponse", true);
  e.append_attribute("Version") = r.version.c_str();
  xml::AddText(e, "UserUri", r.user_uri);
  xml::AddText(e, "KmsUri", r.kms_uri);
  xml::AddDateTime(e, "Time", r.time);
  if (!r.kms_id.empty()) xml::AddText(e, "KmsId", r.kms_id);
  xml::AddText(e, "ClientReqUrl", r.client_req_url);
  AppendMessage(e, r.message);
  return xml::SerializeSecret(doc);
}

}  // namespace kb::kms
