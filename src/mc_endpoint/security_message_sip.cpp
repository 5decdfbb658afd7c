// TS 23.283 clause 10.12 on SIP: the multipart MESSAGE bodies of both carriers (TS 29.379
// clause 14 style, TS 24.282 clause 15 SDS); layout in docs/interworking-data.md.
#include "mc_endpoint/security_message_sip.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <pugixml.hpp>
#include <sstream>

namespace kb::mc_endpoint {
namespace {

constexpr size_t kMaxUri = 2048;
constexpr const char* kMcpttInfoNs = "urn:3gpp:ns:mcpttInfo:1.0";
constexpr const char* kMcdataInfoNs = "urn:3gpp:ns:mcdataInfo:1.0";

Status CheckIdentity(std::string_view what, std::string_view uri) {
  if (uri.empty()) return Fail(Error::InvalidArgument(fmt::format("{} is empty", what)));
  if (uri.size() > kMaxUri) {
    return Fail(Error::InvalidArgument(fmt::format("{} longer than {} octets", what, kMaxUri)));
  }
  if (std::any_of(uri.begin(), uri.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return Fail(Error::InvalidArgument(fmt::format("{} has a control character", what)));
  }
  return Ok();
}

Status CheckAddressing(const InfoAddressing& a) {
  KB_CHECK(CheckIdentity("request URI (target)", a.request_uri));
  KB_CHECK(CheckIdentity("calling user ID", a.calling_user_id));
  return Ok();
}

// <name type="Normal"><uri_element>value</uri_element></name> (TS 24.379 F.1 contentType).
void AddUri(pugi::xml_node params, const char* name, const char* uri_element,
            const std::string& value) {
  auto n = params.append_child(name);
  n.append_attribute("type") = "Normal";
  n.append_child(uri_element).text().set(value.c_str());
}

std::string Print(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// The URI of a contentType element: the text of its mcpttURI/mcdataURI child, or its own text.
std::string UriOf(pugi::xml_node n) {
  for (auto child : n.children()) {
    if (child.type() == pugi::node_element) return Trim(child.text().get());
  }
  return Trim(n.text().get());
}

pugi::xml_node Child(pugi::xml_node n, const char* name) {
  // Namespace prefixes are not expected; match local names so "p:mcptt-Params" also works.
  for (auto c : n.children()) {
    std::string_view full = c.name();
    auto colon = full.find(':');
    std::string_view local = colon == std::string_view::npos ? full : full.substr(colon + 1);
    if (local == name) return c;
  }
  return {};
}

std::string_view LocalName(pugi::xml_node n) {
  std::string_view full = n.name();
  auto colon = full.find(':');
  return colon == std::string_view::npos ? full : full.substr(colon + 1);
}

uint64_t NowSeconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

const char* CarrierName(Carrier c) { return c == Carrier::kSds ? "sds" : "interworking-data"; }

std::string McpttInfoXml(const InfoAddressing& a) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("mcpttinfo");
  root.append_attribute("xmlns") = kMcpttInfoNs;
  auto params = root.append_child("mcptt-Params");
  AddUri(params, "mcptt-request-uri", "mcpttURI", a.request_uri);
  AddUri(params, "mcptt-calling-user-id", "mcpttURI", a.calling_user_id);
  return Print(doc);
}

std::string McdataInfoXml(const InfoAddressing& a) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("mcdatainfo");
  root.append_attribute("xmlns") = kMcdataInfoNs;
  auto params = root.append_child("mcdata-Params");
  params.append_child("request-type").text().set("one-to-one-sds");
  AddUri(params, "mcdata-request-uri", "mcdataURI", a.request_uri);
  AddUri(params, "mcdata-calling-user-id", "mcdataURI", a.calling_user_id);
  return Print(doc);
}

Result<InfoAddressing> ParseInfoXml(ByteView xml) {
  if (xml.size() > kMaxInfoXml) {
    return Fail(
        Error::Malformed(fmt::format("info XML of {} octets exceeds {}", xml.size(), kMaxInfoXml)));
  }
  pugi::xml_document doc;
  auto r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) {
    return Fail(Error::Malformed(
        fmt::format("info XML does not parse at offset {}: {}", r.offset, r.description())));
  }
  pugi::xml_node root = doc.document_element();
  std::string_view root_name = LocalName(root);
  bool mcptt = root_name == "mcpttinfo";
  if (!mcptt && root_name != "mcdatainfo") {
    return Fail(Error::Malformed(
        fmt::format("info XML: root element '{}', expected mcpttinfo or mcdatainfo", root_name)));
  }
  const char* prefix = mcptt ? "mcptt" : "mcdata";
  pugi::xml_node params = Child(root, mcptt ? "mcptt-Params" : "mcdata-Params");
  if (!params) return Fail(Error::Malformed(fmt::format("info XML: no {}-Params", prefix)));
  InfoAddressing a;
  std::string req = std::string(prefix) + "-request-uri";
  std::string calling = std::string(prefix) + "-calling-user-id";
  pugi::xml_node rn = Child(params, req.c_str());
  if (!rn) return Fail(Error::Malformed("info XML: no " + req));
  a.request_uri = UriOf(rn);
  pugi::xml_node cn = Child(params, calling.c_str());
  if (!cn) return Fail(Error::Malformed("info XML: no " + calling));
  a.calling_user_id = UriOf(cn);
  if (auto s = CheckAddressing(a); !s)
    return Fail(Error::Malformed("info XML: " + s.error().message()));
  return a;
}

Result<std::vector<net::BodyPart>> BuildSecurityMessageBody(
    const InfoAddressing& addressing, const mc::InterworkingMessage& message) {
  KB_CHECK(CheckAddressing(addressing));
  KB_TRY(Bytes container, mc::EncodeInterworkingData(message));
  std::vector<net::BodyPart> parts(2);
  parts[0].content_type = kMcpttInfoMime;
  parts[0].data = ToBytes(McpttInfoXml(addressing));
  parts[1].content_type = mc::kInterworkingDataMime;
  parts[1].data = std::move(container);
  return parts;
}

Result<SecurityMessageBody> ParseSecurityMessageBody(std::span<const net::BodyPart> parts) {
  const net::BodyPart* info = net::FindPart(parts, kMcpttInfoMime);
  if (info == nullptr)
    return Fail(Error::Malformed("body: no application/vnd.3gpp.mcptt-info+xml part"));
  const net::BodyPart* data = net::FindPart(parts, mc::kInterworkingDataMime);
  if (data == nullptr) {
    return Fail(Error::Malformed("body: no application/vnd.3gpp.interworking-data part"));
  }
  SecurityMessageBody out;
  KB_TRY(out.addressing, ParseInfoXml(info->data));
  auto m = mc::DecodeInterworkingData(data->data);
  if (!m) return Fail(m.error().Within("interworking-data"));
  out.message = std::move(*m);
  return out;
}

Result<std::vector<net::BodyPart>> BuildSdsMessageBody(const SdsSecurityMessage& m) {
  KB_CHECK(CheckAddressing(m.addressing));
  if (!m.in_reply_to && m.payload.empty()) {
    return Fail(Error::InvalidArgument("SDS request: payload is empty"));
  }
  mc::SdsSignallingPayload sig;
  sig.date_time = m.date_time != 0 ? m.date_time : NowSeconds();
  sig.conversation_id = m.conversation_id;
  sig.message_id = m.message_id;
  sig.in_reply_to = m.in_reply_to;
  sig.extended_application_id = mc::LmrSecurityApplicationId(m.lmr_type);
  sig.sender_mcdata_user_id = m.addressing.calling_user_id;
  KB_TRY(Bytes sig_bytes, mc::EncodeSdsSignallingPayload(sig));
  mc::SdsDataPayload data;
  data.payloads.push_back({mc::PayloadContentType::kBinary, m.payload});
  KB_TRY(Bytes data_bytes, mc::EncodeSdsDataPayload(data));
  std::vector<net::BodyPart> parts(3);
  parts[0].content_type = kMcdataInfoMime;
  parts[0].data = ToBytes(McdataInfoXml(m.addressing));
  parts[1].content_type = mc::kMcdataSignallingMime;
  parts[1].data = std::move(sig_bytes);
  parts[2].content_type = mc::kMcdataPayloadMime;
  parts[2].data = std::move(data_bytes);
  return parts;
}

Result<SdsSecurityMessage> ParseSdsMessageBody(std::span<const net::BodyPart> parts) {
  const net::BodyPart* info = net::FindPart(parts, kMcdataInfoMime);
  if (info == nullptr)
    return Fail(Error::Malformed("body: no application/vnd.3gpp.mcdata-info+xml part"));
  const net::BodyPart* sig_part = net::FindPart(parts, mc::kMcdataSignallingMime);
  if (sig_part == nullptr) {
    return Fail(Error::Malformed("body: no application/vnd.3gpp.mcdata-signalling part"));
  }
  const net::BodyPart* data_part = net::FindPart(parts, mc::kMcdataPayloadMime);
  if (data_part == nullptr) {
    return Fail(Error::Malformed("body: no application/vnd.3gpp.mcdata-payload part"));
  }
  SdsSecurityMessage out;
  KB_TRY(out.addressing, ParseInfoXml(info->data));
  auto sig = mc::DecodeSdsSignallingPayload(sig_part->data);
  if (!sig) return Fail(sig.error().Within("mcdata-signalling"));
  if (!sig->extended_application_id) {
    return Fail(Error::Unsupported("SDS: no extended application ID (not LMR security traffic)"));
  }
  auto type = mc::LmrTypeOfApplicationId(*sig->extended_application_id);
  if (!type) {
    return Fail(Error::Unsupported("SDS: extended application ID '" +
                                   sig->extended_application_id->substr(0, 80) +
                                   "' is not an LMR security application"));
  }
  auto data = mc::DecodeSdsDataPayload(data_part->data);
  if (!data) return Fail(data.error().Within("mcdata-payload"));
  if (data->payloads.size() != 1) {
    return Fail(Error::Malformed(
        fmt::format("mcdata-payload: {} payloads, expected 1", data->payloads.size())));
  }
  if (data->payloads[0].content_type != mc::PayloadContentType::kBinary) {
    return Fail(Error::Malformed(fmt::format("mcdata-payload: content type {}, expected BINARY (2)",
                                             static_cast<int>(data->payloads[0].content_type))));
  }
  out.lmr_type = *type;
  out.payload = std::move(data->payloads[0].content);
  out.message_id = sig->message_id;
  out.in_reply_to = sig->in_reply_to;
  out.conversation_id = sig->conversation_id;
  out.date_time = sig->date_time;
  if (!out.in_reply_to && out.payload.empty()) {
    return Fail(Error::Malformed("SDS request: payload is empty"));
  }
  return out;
}

Carrier DetectCarrier(std::span<const net::BodyPart> parts) {
  return net::FindPart(parts, kMcdataInfoMime) != nullptr ? Carrier::kSds
                                                          : Carrier::kInterworkingData;
}

Result<DecodedBody> ParseMessageBody(std::span<const net::BodyPart> parts) {
  if (DetectCarrier(parts) == Carrier::kSds) {
    KB_TRY(auto sds, ParseSdsMessageBody(parts));
    return DecodedBody(std::move(sds));
  }
  KB_TRY(auto body, ParseSecurityMessageBody(parts));
  return DecodedBody(std::move(body));
}

std::optional<mc::MessageId> MessageIdOf(const DecodedBody& body) {
  if (const auto* sds = std::get_if<SdsSecurityMessage>(&body)) return sds->message_id;
  const auto& m = std::get<SecurityMessageBody>(body).message;
  return std::visit([](const auto& v) { return v.message_id; }, m);
}

const char* MessageKindName(const DecodedBody& body) {
  if (const auto* sds = std::get_if<SdsSecurityMessage>(&body)) {
    return sds->in_reply_to ? "sds-response" : "sds-request";
  }
  const auto& m = std::get<SecurityMessageBody>(body).message;
  if (std::holds_alternative<mc::SecurityMessageRequest>(m)) return "request";
  if (std::holds_alternative<mc::SecurityMessageResponse>(m)) return "response";
  return "short-message";
}

size_t PayloadLength(const DecodedBody& body) {
  if (const auto* sds = std::get_if<SdsSecurityMessage>(&body)) return sds->payload.size();
  const auto& m = std::get<SecurityMessageBody>(body).message;
  if (const auto* r = std::get_if<mc::SecurityMessageRequest>(&m)) return r->payload.size();
  if (const auto* s = std::get_if<mc::IwfShortMessage>(&m)) return s->payload.size();
  return 0;
}

}  // namespace kb::mc_endpoint
