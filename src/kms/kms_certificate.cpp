// TS 33.180 Annex D (D.3.2, the KMS certificate): KmsCertificate reader and writer.
#include "kms/kms_certificate.h"

#include <fmt/format.h>

#include "kms/kms_xml.h"

namespace kb::kms {
namespace {

void Fill(pugi::xml_node e, const KmsCertificate& c) {
  e.append_attribute("Version") = c.version.c_str();
  e.append_attribute("Role") = c.role.c_str();
  xml::AddText(e, "CertUri", c.cert_uri);
  xml::AddText(e, "KmsUri", c.kms_uri);
  xml::AddText(e, "Issuer", c.issuer);
  if (c.valid_from) xml::AddDateTime(e, "ValidFrom", *c.valid_from);
  if (c.valid_to) xml::AddDateTime(e, "ValidTo", *c.valid_to);
  xml::AddBoolean(e, "Revoked", c.revoked);
  xml::AddText(e, "UserIdFormat", c.user_id_format);
  xml::AddUnsigned(e, "UserKeyPeriod", c.key_period.length_seconds);
  xml::AddUnsigned(e, "UserKeyOffset", c.key_period.offset_seconds);
  xml::AddHex(e, "PubEncKey", c.pub_enc_key);
  xml::AddHex(e, "PubAuthKey", c.pub_auth_key);
  xml::AddUnsigned(e, "ParameterSet", c.parameter_set);
  if (!c.kms_domains.empty()) {
    pugi::xml_node list = xml::AddElement(e, "KmsDomainList");
    for (const auto& d : c.kms_domains) xml::AddText(list, "KmsDomain", d);
  }
}

}  // namespace

bool operator==(const KmsCertificate& a, const KmsCertificate& b) {
  return a.version == b.version && a.role == b.role && a.cert_uri == b.cert_uri &&
         a.kms_uri == b.kms_uri && a.issuer == b.issuer && a.valid_from == b.valid_from &&
         a.valid_to == b.valid_to && a.revoked == b.revoked &&
         a.user_id_format == b.user_id_format &&
         a.key_period.length_seconds == b.key_period.length_seconds &&
         a.key_period.offset_seconds == b.key_period.offset_seconds &&
         a.pub_enc_key == b.pub_enc_key && a.pub_auth_key == b.pub_auth_key &&
         a.parameter_set == b.parameter_set && a.kms_domains == b.kms_domains;
}

Result<KmsCertificate> ReadKmsCertificate(pugi::xml_node e) {
  KmsCertificate c;
  c.version = std::string(xml::Attribute(e, "Version").value_or(""));
  c.role = std::string(xml::Attribute(e, "Role").value_or(""));
  KB_TRY(auto seq, xml::Sequence::Open(e));
  if (auto n = seq.Optional("CertUri")) {
    KB_TRY(c.cert_uri, xml::Text(n));
  }
  KB_TRY(auto kms_uri, seq.Required("KmsUri"));
  KB_TRY(c.kms_uri, xml::NonEmptyText(kms_uri));
  if (auto n = seq.Optional("Issuer")) {
    KB_TRY(c.issuer, xml::Text(n));
  }
  if (auto n = seq.Optional("ValidFrom")) {
    KB_TRY(c.valid_from, xml::DateTime(n));
  }
  if (auto n = seq.Optional("ValidTo")) {
    KB_TRY(c.valid_to, xml::DateTime(n));
  }
  if (auto n = seq.Optional("Revoked")) {
    KB_TRY(c.revoked, xml::Boolean(n));
  }
  KB_TRY(auto format, seq.Required("UserIdFormat"));
  KB_TRY(c.user_id_format, xml::NonEmptyText(format));
  KB_TRY(auto period, seq.Required("UserKeyPeriod"));
  KB_TRY(c.key_period.length_seconds, xml::Unsigned(period, UINT32_MAX));
  if (c.key_period.length_seconds == 0) {
    return Fail(Error::Malformed(fmt::format("{}: must not be 0", xml::Where(period))));
  }
  KB_TRY(auto offset, seq.Required("UserKeyOffset"));
  KB_TRY(c.key_period.offset_seconds, xml::Unsigned(offset, UINT32_MAX));
  KB_TRY(auto enc, seq.Required("PubEncKey"));
  KB_TRY(c.pub_enc_key, xml::HexBinary(enc));
  KB_TRY(auto auth, seq.Required("PubAuthKey"));
  KB_TRY(c.pub_auth_key, xml::HexBinary(auth));
  if (auto n = seq.Optional("ParameterSet")) {
    KB_TRY(uint64_t set, xml::Unsigned(n, UINT32_MAX));
    c.parameter_set = static_cast<uint32_t>(set);
  }
  if (auto list = seq.Optional("KmsDomainList")) {
    KB_TRY(auto inner, xml::Sequence::Open(list));
    KB_TRY(auto domains, inner.Repeated("KmsDomain", kMaxKmsDomains));
    KB_CHECK(inner.End());
    for (auto d : domains) {
      KB_TRY(std::string name, xml::NonEmptyText(d));
      c.kms_domains.push_back(std::move(name));
    }
  }
  KB_CHECK(seq.End());
  return c;
}

void AppendKmsCertificate(pugi::xml_node parent, const KmsCertificate& cert) {
  Fill(xml::AddElement(parent, "KmsCertificate"), cert);
}

Result<KmsCertificate> ParseKmsCertificate(std::string_view text) {
  xml::Document doc;
  KB_CHECK(doc.Load(text));
  KB_TRY(pugi::xml_node root, doc.Root());
  if (xml::LocalName(root.name()) != "KmsCertificate") {
    return Fail(
        Error::Malformed(fmt::format("{}: expected a KmsCertificate document", xml::Where(root))));
  }
  return ReadKmsCertificate(root);
}

std::string ToXml(const KmsCertificate& cert) {
  pugi::xml_document doc;
  Fill(xml::NewRoot(doc, "KmsCertificate", false), cert);
  return xml::Serialize(doc);
}

}  // namespace kb::kms
