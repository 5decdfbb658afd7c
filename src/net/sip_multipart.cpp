// RFC 2046 clause 5.1 multipart/mixed SIP bodies on oSIP's MIME body support.
#include "net/sip_multipart.h"

#include <osipparser2/osip_parser.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "net/sip_token.h"

namespace kb::net {
namespace {

// "type/subtype", parameters and surrounding white space dropped (compared case-insensitively).
std::string_view MediaType(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  return t;
}

bool Contains(ByteView haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

void FreeBody(void* p) { osip_body_free(static_cast<osip_body_t*>(p)); }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x != y && std::tolower(x) != std::tolower(y)) return false;
  }
  return true;
}

std::string_view TrimLws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The Content-Type of one body part from its header block (CRLF-separated lines, continuation
// lines folded), as oSIP parses and prints it; "text/plain" when the part has none (RFC 2046
// 5.1). Other part headers are ignored, as before.
Result<std::string> PartContentType(std::string_view headers, size_t index) {
  std::string value;
  bool found = false;
  bool in_content_type = false;
  while (!headers.empty()) {
    size_t eol = headers.find("\r\n");
    std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (in_content_type) {
        value += ' ';
        value += TrimLws(line);
      }
      continue;
    }
    in_content_type = false;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Fail(Error::Malformed("multipart: part " + std::to_string(index) +
                                   ": a header line without a colon"));
    }
    std::string_view name = TrimLws(line.substr(0, colon));
    if (IEquals(name, "Content-Type") || IEquals(name, "c")) {
      if (found) {
        return Fail(Error::Malformed("multipart: part " + std::to_string(index) +
                                     " has two Content-Type headers"));
      }
      found = true;
      in_content_type = true;
      value.assign(TrimLws(line.substr(colon + 1)));
    }
  }
  if (!found) return std::string("text/plain");
  osip_content_type_t* ct = nullptr;
  if (osip_content_type_init(&ct) != 0) return Fail(Error::Internal("multipart: out of memory"));
  std::unique_ptr<osip_content_type_t, void (*)(osip_content_type_t*)> guard(
      ct, &osip_content_type_free);
  char* printed = nullptr;
  if (value.empty() || osip_content_type_parse(ct, value.c_str()) != 0 || ct->type == nullptr ||
      osip_content_type_to_str(ct, &printed) != 0 || printed == nullptr) {
    return Fail(Error::Malformed("multipart: part " + std::to_string(index) +
                                 ": Content-Type does not parse"));
  }
  std::string out(printed);
  osip_free(printed);
  return out;
}

// RFC 2046 5.1.1 splitting of a multipart body kept as received (SipMessage::Parse leaves the
// body to us): the parts lie between delimiter lines "--boundary" (the first at the start of the
// body or after a line break: a preamble is ignored), each part ends at the CRLF before the next
// delimiter, the close delimiter "--boundary--" ends the list (an epilogue is ignored). A part
// is its header block, a blank line and its octets; a part starting with the blank line has no
// headers. The same parts oSIP's MIME parser gave for well-formed bodies.
Result<std::vector<BodyPart>> SplitMultipart(std::string_view body, std::string_view boundary) {
  std::string delimiter = "\n--" + std::string(boundary);
  std::string_view dash_boundary = std::string_view(delimiter).substr(1);
  size_t pos = 0;
  if (!body.starts_with(dash_boundary)) {
    pos = body.find(delimiter);
    if (pos == std::string_view::npos) {
      return Fail(Error::Malformed("multipart: no delimiter line for the boundary"));
    }
    ++pos;
  }
  std::vector<BodyPart> out;
  while (true) {
    size_t after = pos + dash_boundary.size();
    if (body.substr(after, 2) == "--") {
      if (out.empty()) return Fail(Error::Malformed("multipart: no body part"));
      return out;
    }
    size_t p = after;
    while (p < body.size() && (body[p] == ' ' || body[p] == '\t')) ++p;  // transport padding
    if (p < body.size() && body[p] == '\r') ++p;
    if (p >= body.size() || body[p] != '\n') {
      return Fail(Error::Malformed("multipart: delimiter line at offset " + std::to_string(pos) +
                                   " not ended by CRLF"));
    }
    size_t start = p + 1;
    size_t end = body.find(delimiter, start);
    if (end == std::string_view::npos) {
      return Fail(Error::Malformed("multipart: part " + std::to_string(out.size()) +
                                   " has no closing delimiter"));
    }
    size_t content_end = end > start && body[end - 1] == '\r' ? end - 1 : end;
    std::string_view part = body.substr(start, content_end - start);
    std::string_view headers, data;
    if (part.starts_with("\r\n")) {
      data = part.substr(2);
    } else {
      size_t blank = part.find("\r\n\r\n");
      if (blank == std::string_view::npos) {
        return Fail(Error::Malformed("multipart: part " + std::to_string(out.size()) +
                                     ": no blank line after its headers"));
      }
      headers = part.substr(0, blank);
      data = part.substr(blank + 4);
    }
    BodyPart bp;
    KB_TRY(bp.content_type, PartContentType(headers, out.size()));
    const auto* d = reinterpret_cast<const uint8_t*>(data.data());
    bp.data.assign(d, d + data.size());
    out.push_back(std::move(bp));
    pos = end + 1;
  }
}

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
  std::string boundary = multipart ? msg.ContentTypeParam("boundary") : std::string();
  if (multipart && boundary.empty()) {
    return Fail(Error::Malformed("multipart: Content-Type without a boundary"));
  }
  if (msg.HasReceivedBodyOnly()) {
    if (multipart) return SplitMultipart(msg.ReceivedBody(), boundary);
    const auto* d = reinterpret_cast<const uint8_t*>(msg.ReceivedBody().data());
    out.push_back({top, Bytes(d, d + msg.ReceivedBody().size())});
    return out;
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
  std::string_view want = MediaType(content_type);
  for (const BodyPart& p : parts) {
    if (IEquals(MediaType(p.content_type), want)) return &p;
  }
  return nullptr;
}

}  // namespace kb::net
