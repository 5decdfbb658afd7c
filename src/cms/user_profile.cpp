// TS 24.484 MCPTT user profile (subset) and the keybridge LMR root key element: parse and
// serialise with pugixml.
#include "cms/user_profile.h"

#include <fmt/format.h>

#include <charconv>
#include <pugixml.hpp>
#include <sstream>

#include "cms/xml_names.h"
#include "core/encoding.h"
#include "mikey/i_message.h"

namespace kb::cms {

namespace {

// A URI as text: not empty, no white space or control characters.
bool IsUriText(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

Result<uint64_t> ParseDecimal(std::string_view text, uint64_t max, std::string_view field) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 10);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v > max ||
      (text.size() > 1 && text[0] == '0')) {
    return Fail(
        Error::Malformed(fmt::format("{}: '{}' is not a number up to {}", field, text, max)));
  }
  return v;
}

Result<uint64_t> ParseHex(std::string_view text, size_t digits, std::string_view field) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
  if (text.size() != digits || ec != std::errc() || end != text.data() + text.size()) {
    return Fail(Error::Malformed(
        fmt::format("{}: '{}' is not {} hexadecimal digits", field, text, digits)));
  }
  return v;
}

Result<std::string> RequiredAttribute(pugi::xml_node e, const char* name, std::string_view where) {
  pugi::xml_attribute a = e.attribute(name);
  if (!a) return Fail(Error::Malformed(fmt::format("{}@{}: missing", where, name)));
  return std::string(a.value());
}

// The uri-entry text of a child element in the profile namespace, or "".
std::string UriEntry(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node c : parent.children()) {
    if (!IsElement(c, kUserProfileNs, local)) continue;
    for (pugi::xml_node u : c.children()) {
      if (IsElement(u, kUserProfileNs, "uri-entry")) return u.text().get();
    }
  }
  return {};
}

Result<LmrRootKeyElement> RootKeyFrom(pugi::xml_node e) {
  constexpr std::string_view kWhere = "lmr-root-key";
  LmrRootKeyElement k;
  KB_TRY(std::string type, RequiredAttribute(e, "lmr-type", kWhere));
  auto t = mikey::ParseLmrType(type);
  if (!t) return Fail(Error::Malformed(fmt::format("lmr-root-key@lmr-type: '{}'", type)));
  k.lmr_type = *t;
  KB_TRY(std::string algid, RequiredAttribute(e, "algid", kWhere));
  KB_TRY(uint64_t a, ParseHex(algid, 2, "lmr-root-key@algid"));
  k.algid = static_cast<uint8_t>(a);
  KB_TRY(std::string kid, RequiredAttribute(e, "kid", kWhere));
  KB_TRY(uint64_t kd, ParseHex(kid, 4, "lmr-root-key@kid"));
  k.kid = static_cast<uint16_t>(kd);
  KB_TRY(std::string serial, RequiredAttribute(e, "rotation-serial", kWhere));
  KB_TRY(uint64_t s, ParseDecimal(serial, 0xFFFFFFFF, "lmr-root-key@rotation-serial"));
  k.rotation_serial = static_cast<uint32_t>(s);
  KB_TRY(k.iwf_uri, RequiredAttribute(e, "iwf", kWhere));
  k.key_name = e.attribute("key-name").value();
  mikey::RootKeyInfo info{
      k.lmr_type, mikey::RootKeyKindFor(k.lmr_type), k.algid, k.kid, k.rotation_serial, k.key_name};
  if (auto st = mikey::CheckRootKeyInfo(info); !st) {
    return Fail(Error::Malformed(fmt::format("lmr-root-key@key-name: {}", st.error().message())));
  }
  pugi::xml_node im;
  for (pugi::xml_node c : e.children()) {
    if (IsElement(c, kLmrRootKeyNs, "i-message")) {
      if (im) return Fail(Error::Malformed("lmr-root-key/i-message: more than one"));
      im = c;
    }
  }
  if (!im) return Fail(Error::Malformed("lmr-root-key/i-message: missing"));
  std::string text = im.text().get();
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  KB_TRY(k.i_message, FromBase64(text, "lmr-root-key/i-message"));
  if (k.i_message.empty() || k.i_message.size() > mikey::kMaxIMessageBytes) {
    return Fail(Error::Malformed(fmt::format("lmr-root-key/i-message: {} octets (1..{})",
                                             k.i_message.size(), mikey::kMaxIMessageBytes)));
  }
  return k;
}

void AddRootKey(pugi::xml_node parent, const LmrRootKeyElement& k, bool declare_ns) {
  std::string p(kLmrRootKeyPrefix);
  pugi::xml_node e = parent.append_child((p + ":" + std::string(kLmrRootKeyElement)).c_str());
  if (declare_ns) e.append_attribute(("xmlns:" + p).c_str()) = std::string(kLmrRootKeyNs).c_str();
  e.append_attribute("lmr-type") = mikey::LmrTypeName(k.lmr_type);
  e.append_attribute("algid") = fmt::format("{:02X}", k.algid).c_str();
  e.append_attribute("kid") = fmt::format("{:04X}", k.kid).c_str();
  e.append_attribute("key-name") = k.key_name.c_str();
  e.append_attribute("rotation-serial") = std::to_string(k.rotation_serial).c_str();
  e.append_attribute("iwf") = k.iwf_uri.c_str();
  e.append_child((p + ":i-message").c_str()).text() = ToBase64(k.i_message).c_str();
}

std::string Write(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_empty_element_tags,
           pugi::encoding_utf8);
  return out.str();
}

Result<pugi::xml_document> Load(std::string_view xml, std::string_view what) {
  if (xml.size() > kMaxUserProfileBytes) {
    return Fail(Error::Malformed(
        fmt::format("{}: {} octets (at most {})", what, xml.size(), kMaxUserProfileBytes)));
  }
  pugi::xml_document doc;
  // No DOCTYPE in a configuration document: parsed as a node only so that it is refused below.
  pugi::xml_parse_result r = doc.load_buffer(
      xml.data(), xml.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (!r) {
    return Fail(Error::Malformed(
        fmt::format("{}: XML error at offset {}: {}", what, r.offset, r.description())));
  }
  for (pugi::xml_node n : doc.children()) {
    if (n.type() == pugi::node_doctype) {
      return Fail(Error::Malformed(fmt::format("{}: DOCTYPE not allowed", what)));
    }
  }
  return doc;
}

}  // namespace

Result<UserProfile> ParseUserProfile(std::string_view xml) {
  KB_TRY(pugi::xml_document doc, Load(xml, "user profile"));
  pugi::xml_node root = doc.document_element();
  if (!IsElement(root, kUserProfileNs, kUserProfileRoot)) {
    return Fail(Error::Malformed(
        fmt::format("user profile: root element <{}> (namespace \"{}\"),"
                    " expected <{}> in \"{}\"",
                    root.name(), NamespaceOf(root), kUserProfileRoot, kUserProfileNs)));
  }
  UserProfile p;
  KB_TRY(p.mc_id, RequiredAttribute(root, "XUI-URI", kUserProfileRoot));
  if (!IsUriText(p.mc_id)) {
    return Fail(Error::Malformed("mcptt-user-profile@XUI-URI: empty or with white space"));
  }
  KB_TRY(std::string index, RequiredAttribute(root, "user-profile-index", kUserProfileRoot));
  KB_TRY(uint64_t i, ParseDecimal(index, 0xFFFFFFFF, "mcptt-user-profile@user-profile-index"));
  p.profile_index = static_cast<uint32_t>(i);
  for (pugi::xml_node c : root.children()) {
    if (IsElement(c, kUserProfileNs, "ProfileName")) {
      p.profile_name = c.text().get();
    } else if (IsElement(c, kUserProfileNs, "Common")) {
      std::string id = UriEntry(c, "MCPTTUserID");
      if (!id.empty() && id != p.mc_id) {
        return Fail(Error::Malformed(
            fmt::format("Common/MCPTTUserID: '{}' differs from XUI-URI '{}'", id, p.mc_id)));
      }
      p.lmr_kmf_uri = UriEntry(c, "LMRKeyManagementURI");
      p.kms_uri = UriEntry(c, "KMSURI");
    } else if (IsElement(c, kLmrRootKeyNs, kLmrRootKeyElement)) {
      auto k = RootKeyFrom(c);
      if (!k) return Fail(std::move(k).error());
      for (const auto& other : p.lmr_root_keys) {
        if (other.lmr_type == k->lmr_type) {
          return Fail(Error::Malformed(
              fmt::format("lmr-root-key: two for LMR type {}", mikey::LmrTypeName(k->lmr_type))));
        }
      }
      p.lmr_root_keys.push_back(std::move(*k));
    }
  }
  return p;
}

Result<std::string> SerializeUserProfile(const UserProfile& p) {
  if (!IsUriText(p.mc_id)) {
    return Fail(Error::InvalidArgument("user profile: MC ID empty or with white space"));
  }
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc.append_child(std::string(kUserProfileRoot).c_str());
  root.append_attribute("xmlns") = std::string(kUserProfileNs).c_str();
  if (!p.lmr_root_keys.empty()) {
    root.append_attribute(("xmlns:" + std::string(kLmrRootKeyPrefix)).c_str()) =
        std::string(kLmrRootKeyNs).c_str();
  }
  root.append_attribute("XUI-URI") = p.mc_id.c_str();
  root.append_attribute("user-profile-index") = std::to_string(p.profile_index).c_str();
  if (!p.profile_name.empty()) root.append_child("ProfileName").text() = p.profile_name.c_str();
  pugi::xml_node common = root.append_child("Common");
  common.append_child("MCPTTUserID").append_child("uri-entry").text() = p.mc_id.c_str();
  if (!p.lmr_kmf_uri.empty()) {
    common.append_child("LMRKeyManagementURI").append_child("uri-entry").text() =
        p.lmr_kmf_uri.c_str();
  }
  if (!p.kms_uri.empty()) {
    common.append_child("KMSURI").append_child("uri-entry").text() = p.kms_uri.c_str();
  }
  for (const auto& k : p.lmr_root_keys) AddRootKey(root, k, false);
  return Write(doc);
}

Result<std::string> SerializeLmrRootKeyElement(const LmrRootKeyElement& element) {
  pugi::xml_document doc;
  AddRootKey(doc, element, true);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration, pugi::encoding_utf8);
  return out.str();
}

Result<LmrRootKeyElement> ParseLmrRootKeyElement(std::string_view xml) {
  KB_TRY(pugi::xml_document doc, Load(xml, "lmr-root-key"));
  pugi::xml_node e = doc.document_element();
  if (!IsElement(e, kLmrRootKeyNs, kLmrRootKeyElement)) {
    return Fail(Error::Malformed(fmt::format(
        "lmr-root-key: root element <{}> is not the keybridge lmr-root-key", e.name())));
  }
  return RootKeyFrom(e);
}

Status CheckLmrRootKeyElement(const LmrRootKeyElement& k) {
  KB_TRY(mikey::IMessage m, mikey::IMessage::Decode(k.i_message));
  if (crypto::PurposeTagOf(m.hdr.csb_id) != mikey::kLmrRootKeyPurposeTag) {
    return Fail(Error::Malformed("lmr-root-key/i-message: not an LMR root key message (tag 15)"));
  }
  const mikey::GeneralExtension* ge = m.FindExtension(mikey::GeneralExtensionType::kLmrRootKey);
  if (!ge) return Fail(Error::Malformed("lmr-root-key/i-message: no LMR root key extension"));
  KB_TRY(mikey::LmrRootKeyExtension ext, mikey::LmrRootKeyExtension::Decode(ge->data));
  const mikey::RootKeyInfo& i = ext.info;
  if (i.lmr_type != k.lmr_type || i.algid != k.algid || i.kid != k.kid ||
      i.key_name != k.key_name || i.rotation_serial != k.rotation_serial) {
    return Fail(Error::Malformed(
        "lmr-root-key: the clear attributes differ from the signed extension in the I_MESSAGE"));
  }
  const mikey::IdrPayload* idri = m.FindIdr(static_cast<uint8_t>(mikey::IdRole::kIdri));
  if (idri && idri->id_string() != k.iwf_uri) {
    return Fail(Error::Malformed("lmr-root-key@iwf: differs from the I_MESSAGE's IDRi"));
  }
  return Ok();
}

}  // namespace kb::cms
