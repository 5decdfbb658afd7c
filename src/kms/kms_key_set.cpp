// TS 33.180 Annex D (D.3.3, the user key set): KmsKeySet reader and writer.
#include "kms/kms_key_set.h"

#include <fmt/format.h>

#include "core/encoding.h"
#include "kms/kms_xml.h"

namespace kb::kms {
namespace {

void Fill(pugi::xml_node e, const KmsKeySet& k) {
  e.append_attribute("Version") = k.version.c_str();
  xml::AddText(e, "KmsUri", k.kms_uri);
  if (!k.cert_uri.empty()) xml::AddText(e, "CertUri", k.cert_uri);
  if (!k.issuer.empty()) xml::AddText(e, "Issuer", k.issuer);
  xml::AddText(e, "UserUri", k.user_uri);
  xml::AddHex(e, "UserID", k.user_id);
  if (k.valid_from) xml::AddDateTime(e, "ValidFrom", *k.valid_from);
  if (k.valid_to) xml::AddDateTime(e, "ValidTo", *k.valid_to);
  xml::AddUnsigned(e, "KeyPeriodNo", k.key_period_no);
  xml::AddBoolean(e, "Revoked", k.revoked);
  xml::AddKey(e, "UserDecryptKey", k.user_decrypt_key.Reveal());
  xml::AddKey(e, "UserSigningKeySSK", k.user_signing_key_ssk.Reveal());
  xml::AddKey(e, "UserPubTokenPVT", k.user_pub_token_pvt);
}

// UserID: hex (the spec example) or, failing that, base64 (one implementation); either way the
// value must be the 32-octet UID.
Result<Bytes> ReadUserId(pugi::xml_node e) {
  KB_TRY(std::string text, xml::NonEmptyText(e));
  if (auto hex = FromHex(text); hex && hex->size() == kUserIdBytes) return *hex;
  if (auto b64 = FromBase64(text); b64 && b64->size() == kUserIdBytes) return *b64;
  return Fail(Error::Malformed(
      fmt::format("{}: expected a {}-octet UID in hex (or base64)", xml::Where(e), kUserIdBytes)));
}

}  // namespace

KmsKeySet KmsKeySet::Clone() const {
  KmsKeySet k;
  k.version = version;
  k.kms_uri = kms_uri;
  k.cert_uri = cert_uri;
  k.issuer = issuer;
  k.user_uri = user_uri;
  k.user_id = user_id;
  k.valid_from = valid_from;
  k.valid_to = valid_to;
  k.key_period_no = key_period_no;
  k.revoked = revoked;
  k.user_decrypt_key = user_decrypt_key.Clone();
  k.user_signing_key_ssk = user_signing_key_ssk.Clone();
  k.user_pub_token_pvt = user_pub_token_pvt;
  return k;
}

Result<KmsKeySet> ReadKmsKeySet(pugi::xml_node e) {
  KmsKeySet k;
  k.version = std::string(xml::Attribute(e, "Version").value_or(""));
  KB_TRY(auto seq, xml::Sequence::Open(e));
  KB_TRY(auto kms_uri, seq.Required("KmsUri"));
  KB_TRY(k.kms_uri, xml::NonEmptyText(kms_uri));
  if (auto n = seq.Optional("CertUri")) {
    KB_TRY(k.cert_uri, xml::Text(n));
  }
  if (auto n = seq.Optional("Issuer")) {
    KB_TRY(k.issuer, xml::Text(n));
  }
  KB_TRY(auto user_uri, seq.Required("UserUri"));
  KB_TRY(k.user_uri, xml::NonEmptyText(user_uri));
  KB_TRY(auto user_id, seq.Required("UserID"));
  KB_TRY(k.user_id, ReadUserId(user_id));
  if (auto n = seq.Optional("ValidFrom")) {
    KB_TRY(k.valid_from, xml::DateTime(n));
  }
  if (auto n = seq.Optional("ValidTo")) {
    KB_TRY(k.valid_to, xml::DateTime(n));
  }
  KB_TRY(auto period, seq.Required("KeyPeriodNo"));
  KB_TRY(k.key_period_no, xml::Unsigned(period, UINT32_MAX));
  if (auto n = seq.Optional("Revoked")) {
    KB_TRY(k.revoked, xml::Boolean(n));
  }
  KB_TRY(auto rsk, seq.Required("UserDecryptKey"));
  KB_TRY(k.user_decrypt_key, xml::KeyContent(rsk));
  KB_TRY(auto ssk, seq.Required("UserSigningKeySSK"));
  KB_TRY(k.user_signing_key_ssk, xml::KeyContent(ssk));
  KB_TRY(auto pvt, seq.Required("UserPubTokenPVT"));
  KB_TRY(SecretBytes pvt_bytes, xml::KeyContent(pvt));
  k.user_pub_token_pvt.assign(pvt_bytes.Reveal().begin(), pvt_bytes.Reveal().end());
  KB_CHECK(seq.End());
  return k;
}

void AppendKmsKeySet(pugi::xml_node parent, const KmsKeySet& key_set) {
  Fill(xml::AddElement(parent, "KmsKeySet"), key_set);
}

Result<KmsKeySet> ParseKmsKeySet(std::string_view text) {
  xml::Document doc;
  KB_CHECK(doc.Load(text));
  KB_TRY(pugi::xml_node root, doc.Root());
  if (xml::LocalName(root.name()) != "KmsKeySet") {
    return Fail(
        Error::Malformed(fmt::format("{}: expected a KmsKeySet document", xml::Where(root))));
  }
  return ReadKmsKeySet(root);
}

SecretBytes ToXml(const KmsKeySet& key_set) {
  pugi::xml_document doc;
  Fill(xml::NewRoot(doc, "KmsKeySet", true), key_set);
  return xml::SerializeSecret(doc);
}

}  // namespace kb::kms
