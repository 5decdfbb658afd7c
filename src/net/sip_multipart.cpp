// RFC 2046 clause 5.1 multipart/mixed SIP bodies on oSIP's MIME body support.
#include "net/sip_multipart.h"

#include <osipparser2/osip_parser.h>

#include <algorithm>
#include <cstring>

#include "net/sip_token.h"

namespace kb::net {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "type/subtype" in lower case, parameters dropped.
std::string MediaType(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  return Lower(t);
}

bool Contains(ByteView haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

void FreeBody(void* p) { osip_body_free(static_cast<osip_body_t*>(p)); }

}  // namespace

Status SetMultipartBody(SipMessage& msg, std::span<const BodyPart> parts) {
  if (parts.empty()) return Fail(Error::InvalidArgument("multipart: no parts"));
  std::string boundary;
  for (int attempt = 0;; ++attempt) {
    boundary = "kb-" + SipToken(12);
    bool clash = std::any_of(parts.begin(), parts.end(),
                             [&](const BodyPart& p) { return Contains(p.data, boundary); });
    if (!clash) break;
    if (attempt > 8) return Fail(Error::Internal("multipart: no free boundary"));
  }
  osip_message_t* m = msg.raw();
  msg.ClearReceivedBody();
  osip_list_special_free(&m->bodies, &FreeBody);
  if (m->content_type != nullptr) {
    osip_content_type_free(m->content_type);
    m->content_type = nullptr;
  }
  std::string ct = "multipart/mixed;boundary=" + boundary;
  if (osip_message_set_content_type(m, ct.c_str()) != 0) {
    return Fail(Error::Internal("multipart: Content-Type refused"));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const BodyPart& p = parts[i];
    if (p.content_type.empty()) {
      return Fail(
          Error::InvalidArgument("multipart: part " + std::to_string(i) + " has no content type"));
    }
    osip_body_t* b = nullptr;
    if (osip_body_init(&b) != 0) return Fail(Error::Internal("multipart: out of memory"));
    b->body = static_cast<char*>(osip_malloc(p.data.size() + 1));
    if (!p.data.empty()) std::memcpy(b->body, p.data.data(), p.data.size());
    b->body[p.data.size()] = '\0';
    b->length = p.data.size();
    if (osip_body_set_contenttype(b, p.content_type.c_str()) != 0) {
      osip_body_free(b);
      return Fail(Error::InvalidArgument("multipart: part " + std::to_string(i) +
                                         ": content type does not parse"));
    }
    osip_list_add(&m->bodies, b, -1);
  }
  return Ok();
}

Result<MultipartText> MultipartBodyText(std::span<const BodyPart> parts) {
  if (parts.empty()) return Fail(Error::InvalidArgument("multipart: no parts"));
  std::string boundary;
  for (int attempt = 0;; ++attempt) {
    boundary = "kb-" + SipToken(12);
    bool clash = std::any_of(parts.begin(), parts.end(),
                             [&](const BodyPart& p) { return Contains(p.data, boundary); });
    if (!clash) break;
    if (attempt > 8) return Fail(Error::Internal("multipart: no free boundary"));
  }
  MultipartText out;
  out.content_type = "multipart/mixed;boundary=" + boundary;
  size_t size = boundary.size() + 8;
  for (const BodyPart& p : parts)
    size += boundary.size() + p.content_type.size() + p.data.size() + 24;
  out.body.reserve(size);
  for (size_t i = 0; i < parts.size(); ++i) {
    const BodyPart& p = parts[i];
    if (p.content_type.empty() || p.content_type.find_first_of("\r\n") != std::string::npos) {
      return Fail(Error::InvalidArgument("multipart: part " + std::to_string(i) +
                                         " has no usable content type"));
    }
    out.body += "--";
    out.body += boundary;
    out.body += "\r\nContent-Type: ";
    out.body += p.content_type;
    out.body += "\r\n\r\n";
    out.body.append(reinterpret_cast<const char*>(p.data.data()), p.data.size());
    out.body += "\r\n";
  }
  out.body += "--";
  out.body += boundary;
  out.body += "--\r\n";
  return out;
}

Result<std::vector<BodyPart>> BodyParts(const SipMessage& msg) {
  const osip_message_t* m = msg.raw();
  std::vector<BodyPart> out;
  std::string top = msg.ContentType();
  bool multipart = top.starts_with("multipart/");
  if (multipart && msg.ContentTypeParam("boundary").empty()) {
    return Fail(Error::Malformed("multipart: Content-Type without a boundary"));
  }
  for (int i = 0; i < osip_list_size(&m->bodies); ++i) {
    auto* b = static_cast<osip_body_t*>(osip_list_get(&m->bodies, i));
    BodyPart part;
    if (multipart) {
      if (b->content_type != nullptr && b->content_type->type != nullptr) {
        char* s = nullptr;
        if (osip_content_type_to_str(b->content_type, &s) == 0 && s != nullptr) {
          part.content_type = s;
          osip_free(s);
        }
      }
      if (part.content_type.empty()) part.content_type = "text/plain";
    } else {
      part.content_type = top;
    }
    if (b->body != nullptr) {
      const auto* d = reinterpret_cast<const uint8_t*>(b->body);
      part.data.assign(d, d + b->length);
    }
    out.push_back(std::move(part));
  }
  return out;
}

const BodyPart* FindPart(std::span<const BodyPart> parts, std::string_view content_type) {
  std::string want = MediaType(content_type);
  for (const BodyPart& p : parts) {
    if (MediaType(p.content_type) == want) return &p;
  }
  return nullptr;
}

}  // namespace kb::net
