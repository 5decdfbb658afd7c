// TS 33.180 Annex D (D.2.2, Table D.2.2-1): KmsRequest reader and writer.
#include "kms/kms_request.h"

#include <fmt/format.h>

#include "kms/kms_xml.h"

namespace kb::kms {
namespace {

void AddOptionalText(pugi::xml_node e, const char* name, const std::string& v) {
  if (!v.empty()) xml::AddText(e, name, v);
}

Result<std::string> OptionalText(xml::Sequence& seq, std::string_view name) {
  if (auto n = seq.Optional(name)) return xml::Text(n);
  return std::string();
}

}  // namespace

Result<KmsRequest> ParseKmsRequest(std::string_view text) {
  xml::Document doc;
  KB_CHECK(doc.Load(text));
  KB_TRY(pugi::xml_node root, doc.Root());
  if (xml::LocalName(root.name()) != "KmsRequest") {
    return Fail(
        Error::Malformed(fmt::format("{}: expected a KmsRequest document", xml::Where(root))));
  }
  KmsRequest r;
  r.version = std::string(xml::Attribute(root, "Version").value_or(""));
  KB_TRY(auto seq, xml::Sequence::Open(root));
  KB_TRY(auto user_uri, seq.Required("UserUri"));
  KB_TRY(r.user_uri, xml::NonEmptyText(user_uri));
  KB_TRY(auto kms_uri, seq.Required("KmsUri"));
  KB_TRY(r.kms_uri, xml::NonEmptyText(kms_uri));
  KB_TRY(r.client_id, OptionalText(seq, "ClientId"));
  KB_TRY(r.device_id, OptionalText(seq, "DeviceId"));
  KB_TRY(auto time, seq.Required("Time"));
  KB_TRY(r.time, xml::DateTime(time));
  KB_TRY(auto url, seq.Required("ClientReqUrl"));
  KB_TRY(r.client_req_url, xml::NonEmptyText(url));
  if (auto list = seq.Optional("KrrList")) {
    size_t count = 0;
    for (pugi::xml_node c : list.children()) {
      if (c.type() != pugi::node_element) continue;
      if (++count > kMaxKrrs) {
        return Fail(
            Error::Malformed(fmt::format("{}: more than {} entries", xml::Where(list), kMaxKrrs)));
      }
      r.krr_list.push_back(xml::SerializeRaw(c));
    }
  }
  KB_TRY(r.client_error, OptionalText(seq, "ClientError"));
  KB_TRY(r.trk_id, OptionalText(seq, "TrK-ID"));
  KB_TRY(r.signature_id, OptionalText(seq, "Signature-ID"));
  KB_CHECK(seq.End());
  return r;
}

std::string ToXml(const KmsRequest& r) {
  pugi::xml_document doc;
  pugi::xml_node e = xml::NewRoot(doc, "KmsRequest", false);
  e.append_attribute("Version") = r.version.c_str();
  xml::AddText(e, "UserUri", r.user_uri);
  xml::AddText(e, "KmsUri", r.kms_uri);
  AddOptionalText(e, "ClientId", r.client_id);
  AddOptionalText(e, "DeviceId", r.device_id);
  xml::AddDateTime(e, "Time", r.time);
  xml::AddText(e, "ClientReqUrl", r.client_req_url);
  if (!r.krr_list.empty()) {
    pugi::xml_node list = xml::AddElement(e, "KrrList");
    for (const auto& krr : r.krr_list) {
      // An entry that is not well-formed XML is dropped rather than emitted broken.
      pugi::xml_document fragment;
      if (!fragment.load_buffer(krr.data(), krr.size(), pugi::parse_default, pugi::encoding_utf8)) {
        continue;
      }
      for (pugi::xml_node c : fragment.children()) {
        if (c.type() == pugi::node_element) list.append_copy(c);
      }
    }
  }
  AddOptionalText(e, "ClientError", r.client_error);
  AddOptionalText(e, "TrK-ID", r.trk_id);
  AddOptionalText(e, "Signature-ID", r.signature_id);
  return xml::Serialize(doc);
}

}  // namespace kb::kms
