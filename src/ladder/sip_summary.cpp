// RFC 3261 SIP messages for the ladder diagram (docs/ladder.md): start line, Event (RFC 6665),
// bodies by content type; TS 23.283 10.12 LMR security messages decoded down to the P25 KMM.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <type_traits>

#include "gms/gmk_delivery_body.h"
#include "ladder/kmm_summary.h"
#include "ladder/message_summary.h"
#include "mc_endpoint/security_message_sip.h"
#include "net/sip_framing.h"
#include "net/sip_message.h"
#include "net/sip_multipart.h"

namespace kb::ladder {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string BaseType(std::string_view content_type) {
  std::string_view base = content_type.substr(0, content_type.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return Lower(base);
}

// The opaque payload of a security message: a P25 KMM, summarised.
void DescribePayload(std::optional<mc::LmrType> type, ByteView payload, std::string& text,
                     nlohmann::json& j) {
  if (payload.empty()) return;
  if (type && *type == mc::LmrType::kTetra) {
    text += fmt::format(", TETRA payload {} octets", payload.size());
    j["payload_length"] = payload.size();
    return;
  }
  auto kmm = SummariseKmm(payload);
  if (!kmm) {
    text +=
        fmt::format(", payload {} octets (not a KMM: {})", payload.size(), kmm.error().ToString());
    j["payload_length"] = payload.size();
    j["payload_error"] = kmm.error().ToString();
    return;
  }
  text += ", P25 " + kmm->Text();
  j["kmm"] = kmm->Json();
}

std::string IdHex(const std::optional<mc::MessageId>& id) {
  if (!id) return "";
  return fmt::format("{:02x}", fmt::join(ByteView(*id).first(4), ""));
}

// An LMR security message body (either carrier).
std::string DescribeSecurityBody(const mc_endpoint::DecodedBody& body, nlohmann::json& j) {
  std::string text;
  if (const auto* sds = std::get_if<mc_endpoint::SdsSecurityMessage>(&body)) {
    bool response = sds->in_reply_to.has_value();
    text = fmt::format("SDS security message {} (sds) {} -> {}", response ? "response" : "request",
                       sds->addressing.calling_user_id, sds->addressing.request_uri);
    j["security_message"] = {{"kind", response ? "sds-response" : "sds-request"},
                             {"carrier", "sds"},
                             {"from", sds->addressing.calling_user_id},
                             {"to", sds->addressing.request_uri},
                             {"message_id", IdHex(sds->message_id)}};
    if (response) j["security_message"]["in_reply_to"] = IdHex(sds->in_reply_to);
    DescribePayload(sds->lmr_type, sds->payload, text, j["security_message"]);
    return text;
  }
  const auto& iw = std::get<mc_endpoint::SecurityMessageBody>(body);
  nlohmann::json sj = {{"carrier", "interworking-data"},
                       {"from", iw.addressing.calling_user_id},
                       {"to", iw.addressing.request_uri}};
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, mc::SecurityMessageRequest>) {
          text = fmt::format("security message request (interworking-data), MC service ID {}",
                             m.mc_service_id);
          sj["kind"] = "request";
          sj["mc_service_id"] = m.mc_service_id;
          sj["lmr_security_fe_uri"] = m.lmr_security_fe_uri;
          sj["message_id"] = IdHex(m.message_id);
          DescribePayload(m.lmr_type, m.payload, text, sj);
        } else if constexpr (std::is_same_v<T, mc::SecurityMessageResponse>) {
          text = fmt::format("security message response (interworking-data), MC service ID {}",
                             m.mc_service_id);
          sj["kind"] = "response";
          sj["mc_service_id"] = m.mc_service_id;
          sj["message_id"] = IdHex(m.message_id);
        } else {
          text = fmt::format("IWF short message, MC ID {}", m.mc_id);
          sj["kind"] = "short-message";
          sj["mc_service_id"] = m.mc_id;
          sj["message_id"] = IdHex(m.message_id);
          DescribePayload(m.lmr_type, m.payload, text, sj);
        }
      },
      iw.message);
  j["security_message"] = std::move(sj);
  return text;
}

bool IsSecurityBody(std::span<const net::BodyPart> parts) {
  return net::FindPart(parts, mc::kInterworkingDataMime) != nullptr ||
         net::FindPart(parts, mc_endpoint::kMcdataInfoMime) != nullptr;
}

}  // namespace

std::string DescribeBody(std::string_view content_type, size_t length) {
  std::string base = BaseType(content_type);
  if (base.empty()) base = "no content type";
  return fmt::format("{}, {} octets", base, length);
}

Result<MessageSummary> SummariseSip(std::string_view text) {
  KB_TRY(std::string_view framed, net::FrameDatagram(text));
  KB_TRY(net::SipMessage msg, net::SipMessage::Parse(framed));
  MessageSummary m;
  m.kind = "sip";
  nlohmann::json& j = m.json;
  j["method"] = msg.Method();
  j["call_id"] = msg.CallId();
  j["cseq"] = msg.CSeqNumber();
  if (msg.IsRequest()) {
    j["request_uri"] = msg.RequestUri();
    m.text = fmt::format("{} {}", msg.Method(), msg.RequestUri());
  } else {
    j["status"] = msg.StatusCode();
    j["reason"] = msg.ReasonPhrase();
    m.text = fmt::format("{} {} ({})", msg.StatusCode(), msg.ReasonPhrase(), msg.Method());
  }
  if (auto event = msg.Header("Event")) {
    j["event"] = *event;
    m.text += fmt::format(" Event: {}", *event);
  }
  if (msg.Method() == "REGISTER" || msg.Method() == "SUBSCRIBE") {
    if (auto e = msg.Expires()) {
      j["expires"] = *e;
      m.text += fmt::format(" Expires: {}", *e);
    }
  }
  std::string content_type = msg.ContentType();
  if (content_type.empty()) return m;
  j["content_type"] = BaseType(content_type);
  auto parts = net::BodyParts(msg);
  if (!parts) {
    m.text += ": body not decoded: " + parts.error().ToString();
    j["body_error"] = parts.error().ToString();
    return m;
  }
  size_t total = 0;
  for (const auto& p : *parts) total += p.data.size();
  j["body_length"] = total;
  if (IsSecurityBody(*parts)) {
    auto body = mc_endpoint::ParseMessageBody(*parts);
    if (body) {
      m.text += ": " + DescribeSecurityBody(*body, j);
    } else {
      m.text += ": LMR security message not decoded: " + body.error().ToString();
      j["body_error"] = body.error().ToString();
    }
    return m;
  }
  if (const auto* gmk = net::FindPart(*parts, gms::kGmkDeliveryContentType)) {
    auto d = gms::DecodeGmkDelivery(AsString(gmk->data));
    if (d) {
      m.text += fmt::format(": GMK delivery, group {}, GMK-ID 0x{:08X}, revision {} ({} octets)",
                            d->group_id, d->gmk_id, d->revision, gmk->data.size());
      j["gmk_delivery"] = {{"group_id", d->group_id},
                           {"recipient", d->recipient},
                           {"gmk_id", fmt::format("0x{:08X}", d->gmk_id)},
                           {"guk_id", fmt::format("0x{:08X}", d->guk_id)},
                           {"revision", d->revision}};
      return m;
    }
  }
  std::vector<std::string> described;
  nlohmann::json pj = nlohmann::json::array();
  for (const auto& p : *parts) {
    described.push_back(DescribeBody(p.content_type, p.data.size()));
    pj.push_back({{"content_type", BaseType(p.content_type)}, {"length", p.data.size()}});
  }
  j["parts"] = std::move(pj);
  m.text += ": " + fmt::format("{}", fmt::join(described, " + "));
  return m;
}

}  // namespace kb::ladder
