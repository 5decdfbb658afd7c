// libFuzzer target: RFC 3261 18.3 framing, oSIP message parsing with our header checks, RFC 2046
// multipart splitting and the RFC 7616 Digest header parsers — everything a peer's bytes reach.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/digest_auth.h"
#include "net/sip_framing.h"
#include "net/sip_message.h"
#include "net/sip_multipart.h"

namespace {

void Exercise(std::string_view text) {
  auto m = kb::net::SipMessage::Parse(text);
  if (!m) {
    (void)kb::net::SipMessage::ParseForErrorResponse(text);
    return;
  }
  (void)m->TopViaBranch();
  (void)m->Expires();
  if (auto parts = kb::net::BodyParts(*m)) {
    for (const auto& p : *parts) {
      if (p.content_type.empty()) std::abort();  // every part has a type
    }
  }
  for (const auto& v : m->Headers("Authorization")) (void)kb::net::ParseAuthorization(v);
  for (const auto& v : m->Headers("WWW-Authenticate")) (void)kb::net::ParseChallenge(v);
  if (m->IsRequest()) {
    m->StampTopVia("127.0.0.1", 5060);
    if (auto r = kb::net::SipMessage::ResponseTo(*m, 400, "Bad Request")) (void)r->Serialise();
  }
  (void)m->Serialise();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::optional<kb::net::MessageHead> head;
  if (auto framed = kb::net::FrameDatagram(in, &head)) {
    if (framed->size() > size) std::abort();
    Exercise(*framed);
  } else if (head) {
    Exercise(kb::net::HeadOnly(in.substr(in.find_first_not_of("\r\n")), *head));
  }
  kb::net::StreamFramer stream(4096);
  stream.Append(in);
  for (int i = 0; i < 8; ++i) {
    auto next = stream.Next();
    if (!next || !*next) break;
    if ((*next)->size() > 4096) std::abort();
    Exercise(**next);
  }
  return 0;
}
