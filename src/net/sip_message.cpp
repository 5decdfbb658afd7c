// RFC 3261 clause 7 SIP messages on GNU oSIP: parse, build, serialise, header access.
#include "net/sip_message.h"

#include <openssl/rand.h>
#include <osipparser2/osip_parser.h>

#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "core/encoding.h"
#include "net/sip_framing.h"
#include "net/sip_token.h"

namespace kb::net {
namespace {

// oSIP's trace goes to stderr by default; the stack logs its own errors instead.
void SilentTrace(const char*, int, osip_trace_level_t, const char*, va_list) {}

std::string Str(const char* s) { return s ? std::string(s) : std::string(); }

std::string Unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

osip_generic_param_t* FindParam(osip_list_t* params, const char* name) {
  osip_generic_param_t* p = nullptr;
  if (osip_generic_param_get_byname(params, const_cast<char*>(name), &p) != 0) return nullptr;
  return p;
}

// Prints one oSIP structure with its *_to_str function.
template <typename T>
std::string ToStr(int (*fn)(const T*, char**), const T* v) {
  char* out = nullptr;
  if (v == nullptr || fn(v, &out) != 0 || out == nullptr) return {};
  std::string s(out);
  osip_free(out);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// oSIP 5.3 leaks the first Content-Type of a MIME body part that has two (osip_body_parse_mime
// overwrites it). A peer could grow our memory with such messages, so they are refused before
// oSIP sees them. The scan is deliberately coarse: after any line starting with "--" (a
// delimiter) and up to the next empty line (the end of the part's headers), two lines naming
// Content-Type (or its compact form "c") are refused.
bool PartHasTwoContentTypes(std::string_view text) {
  size_t body = text.find("\r\n\r\n");
  if (body == std::string_view::npos) return false;
  std::string_view rest = text.substr(body + 4);
  bool in_part_headers = false;
  int content_types = 0;
  while (!rest.empty()) {
    size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with("--")) {
      in_part_headers = true;
      content_types = 0;
      continue;
    }
    if (!in_part_headers) continue;
    if (line.empty()) {
      in_part_headers = false;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (IEquals(name, "Content-Type") || IEquals(name, "c")) {
      if (++content_types > 1) return true;
    }
  }
  return false;
}

osip_via_t* TopVia(const osip_message_t* m) {
  return static_cast<osip_via_t*>(osip_list_get(&m->vias, 0));
}

}  // namespace

void EnsureOsipInitialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    parser_init();
    osip_trace_initialize_func(OSIP_FATAL, &SilentTrace);
    for (int l = TRACE_LEVEL0; l < END_TRACE_LEVEL; ++l) {
      osip_trace_disable_level(static_cast<osip_trace_level_t>(l));
    }
  });
}

std::string RandomToken(size_t octets) {
  Bytes b(octets);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // programming/environment error
  }
  return ToHex(b);
}

void SipMessage::Deleter::operator()(osip_message* m) const { osip_message_free(m); }

SipMessage::SipMessage(osip_message* m) : msg_(m) {}
SipMessage::SipMessage(SipMessage&&) noexcept = default;
SipMessage& SipMessage::operator=(SipMessage&&) noexcept = default;
SipMessage::~SipMessage() = default;

SipMessage SipMessage::Clone() const {
  osip_message_t* copy = nullptr;
  if (osip_message_clone(msg_.get(), &copy) != 0) throw std::bad_alloc();
  SipMessage out(copy);
  out.received_body_ = received_body_;
  return out;
}

Result<SipMessage> SipMessage::Parse(std::string_view text) {
  EnsureOsipInitialised();
  osip_message_t* m = nullptr;
  if (osip_message_init(&m) != 0) return Fail(Error::Internal("SIP: out of memory"));
  SipMessage msg(m);
  if (text.empty()) return Fail(Error::Malformed("SIP: empty message"));
  if (PartHasTwoContentTypes(text)) {
    return Fail(Error::Malformed("SIP: multipart body: a part has two Content-Type headers"));
  }
  // oSIP parses the start line and the headers only; the body is kept as the received octets
  // (ReceivedBody; BodyParts splits a multipart one). Without a blank line (not framed by
  // sip_framing) oSIP gets the whole text as before.
  // oSIP gets the head without its Content-Length line (sip_framing's HeadOnly): oSIP would
  // otherwise look for the body that Content-Length announces.
  auto scanned = ScanHead(text);
  if (!scanned) return Fail(Error::Malformed("SIP: " + scanned.error().message()));
  std::string head_text;
  std::string_view head = text;
  if (*scanned) {
    head_text = HeadOnly(text, **scanned);
    head = head_text;
  }
  if (osip_message_parse(m, head.data(), head.size()) != 0) {
    return Fail(Error::Malformed("SIP: start line, a header or the body does not parse"));
  }
  if (m->sip_version == nullptr || std::strcmp(m->sip_version, "SIP/2.0") != 0) {
    return Fail(Error::Malformed("SIP: start line: version is not SIP/2.0"));
  }
  if (m->sip_method == nullptr && (m->status_code < 100 || m->status_code > 699)) {
    return Fail(Error::Malformed("SIP: start line: status code outside 100-699"));
  }
  if (m->sip_method != nullptr && m->req_uri == nullptr) {
    return Fail(Error::Malformed("SIP: start line: no Request-URI"));
  }
  osip_via_t* via = TopVia(m);
  if (via == nullptr || via->host == nullptr) return Fail(Error::Malformed("SIP: Via missing"));
  if (via->protocol == nullptr) return Fail(Error::Malformed("SIP: Via: no transport"));
  if (m->from == nullptr || m->from->url == nullptr) {
    return Fail(Error::Malformed("SIP: From missing"));
  }
  if (m->to == nullptr || m->to->url == nullptr) return Fail(Error::Malformed("SIP: To missing"));
  if (m->call_id == nullptr || m->call_id->number == nullptr) {
    return Fail(Error::Malformed("SIP: Call-ID missing"));
  }
  if (m->cseq == nullptr || m->cseq->number == nullptr || m->cseq->method == nullptr) {
    return Fail(Error::Malformed("SIP: CSeq missing"));
  }
  char* end = nullptr;
  errno = 0;
  unsigned long n = std::strtoul(m->cseq->number, &end, 10);
  if (*m->cseq->number == '\0' || *end != '\0' || errno != 0 || n > 0x7fffffffUL) {
    return Fail(Error::Malformed("SIP: CSeq: sequence number is not a 31-bit integer"));
  }
  if (m->sip_method != nullptr && std::strcmp(m->sip_method, m->cseq->method) != 0) {
    return Fail(Error::Malformed("SIP: CSeq: method differs from the request method"));
  }
  if (*scanned) {
    std::string_view body = text.substr((*scanned)->head_size);
    std::optional<size_t> length = (*scanned)->content_length;
    // The body checks oSIP made when it parsed bodies: Content-Length bounds the body, and
    // must be present for a body other than SDP.
    if (!length && !body.empty() && m->content_type != nullptr &&
        m->content_type->type != nullptr) {
      if (msg.ContentType() != "application/sdp") {
        return Fail(Error::Malformed("SIP: Content-Length missing for a body other than SDP"));
      }
      length = body.size();
    }
    if (length) {
      if (*length > body.size()) {
        return Fail(Error::Malformed("SIP: Content-Length larger than the body received"));
      }
      body = body.substr(0, *length);
      if (m->content_length != nullptr) {
        osip_content_length_free(m->content_length);
        m->content_length = nullptr;
      }
      osip_message_set_content_length(m, std::to_string(*length).c_str());
    }
    msg.received_body_.assign(body);
  }
  return msg;
}

std::optional<SipMessage> SipMessage::ParseForErrorResponse(std::string_view text) {
  EnsureOsipInitialised();
  osip_message_t* m = nullptr;
  if (text.empty() || PartHasTwoContentTypes(text) || osip_message_init(&m) != 0) {
    return std::nullopt;
  }
  SipMessage msg(m);
  if (osip_message_parse(m, text.data(), text.size()) != 0) return std::nullopt;
  if (m->sip_method == nullptr || TopVia(m) == nullptr || m->from == nullptr || m->to == nullptr ||
      m->call_id == nullptr || m->cseq == nullptr) {
    return std::nullopt;
  }
  return msg;
}

SipMessage SipMessage::Request(std::string_view method, std::string_view request_uri) {
  EnsureOsipInitialised();
  osip_message_t* m = nullptr;
  if (osip_message_init(&m) != 0) throw std::bad_alloc();
  SipMessage msg(m);
  osip_message_set_method(m, osip_strdup(std::string(method).c_str()));
  osip_message_set_version(m, osip_strdup("SIP/2.0"));
  osip_uri_t* uri = nullptr;
  osip_uri_init(&uri);
  if (osip_uri_parse(uri, std::string(request_uri).c_str()) != 0) {
    // Keep the message well-formed; SipStack refuses to send a request without a valid URI.
    osip_uri_free(uri);
    uri = nullptr;
  }
  osip_message_set_uri(m, uri);
  return msg;
}

Result<SipMessage> SipMessage::ResponseTo(const SipMessage& request, int status,
                                          std::string_view reason) {
  if (!request.IsRequest()) return Fail(Error::InvalidArgument("SIP: response to a response"));
  if (status < 100 || status > 699) {
    return Fail(Error::InvalidArgument("SIP: status code outside 100-699"));
  }
  osip_message_t* m = nullptr;
  if (osip_message_init(&m) != 0) return Fail(Error::Internal("SIP: out of memory"));
  SipMessage msg(m);
  const osip_message_t* req = request.raw();
  osip_message_set_version(m, osip_strdup("SIP/2.0"));
  osip_message_set_status_code(m, status);
  osip_message_set_reason_phrase(m, osip_strdup(std::string(reason).c_str()));
  for (int i = 0; i < osip_list_size(&req->vias); ++i) {
    osip_via_t* copy = nullptr;
    osip_via_clone(static_cast<osip_via_t*>(osip_list_get(&req->vias, i)), &copy);
    osip_list_add(&m->vias, copy, -1);
  }
  osip_from_clone(req->from, &m->from);
  osip_to_clone(req->to, &m->to);
  osip_call_id_clone(req->call_id, &m->call_id);
  osip_cseq_clone(req->cseq, &m->cseq);
  if (m->from == nullptr || m->to == nullptr || m->call_id == nullptr || m->cseq == nullptr) {
    return Fail(Error::InvalidArgument("SIP: request lacks From, To, Call-ID or CSeq"));
  }
  if (status > 100 && FindParam(&m->to->gen_params, "tag") == nullptr) {
    osip_to_set_tag(m->to, osip_strdup(SipToken(6).c_str()));
  }
  return msg;
}

Result<std::string> SipMessage::ResponseText(const SipMessage& request, int status,
                                             std::string_view reason) {
  if (!request.IsRequest()) return Fail(Error::InvalidArgument("SIP: response to a response"));
  if (status < 100 || status > 699) {
    return Fail(Error::InvalidArgument("SIP: status code outside 100-699"));
  }
  const osip_message_t* req = request.raw();
  if (req->from == nullptr || req->to == nullptr || req->call_id == nullptr ||
      req->cseq == nullptr || req->cseq->number == nullptr || req->cseq->method == nullptr ||
      osip_list_size(&req->vias) == 0) {
    return Fail(Error::InvalidArgument("SIP: request lacks Via, From, To, Call-ID or CSeq"));
  }
  std::string out;
  out.reserve(512);
  out += "SIP/2.0 ";
  out += std::to_string(status);
  out += ' ';
  out += reason;
  out += "\r\n";
  auto line = [&](std::string_view name, const std::string& value) {
    if (value.empty()) return false;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
    return true;
  };
  for (int i = 0; i < osip_list_size(&req->vias); ++i) {
    auto* v = static_cast<osip_via_t*>(osip_list_get(&req->vias, i));
    if (!line("Via", ToStr<osip_via_t>(&osip_via_to_str, v))) {
      return Fail(Error::InvalidArgument("SIP: a Via does not print"));
    }
  }
  if (!line("From", ToStr<osip_from_t>(&osip_from_to_str, req->from))) {
    return Fail(Error::InvalidArgument("SIP: From does not print"));
  }
  std::string to = ToStr<osip_to_t>(&osip_to_to_str, req->to);
  if (to.empty()) return Fail(Error::InvalidArgument("SIP: To does not print"));
  if (status > 100 && FindParam(&req->to->gen_params, "tag") == nullptr) {
    to += ";tag=";
    to += SipToken(6);
  }
  line("To", to);
  if (!line("Call-ID", ToStr<osip_call_id_t>(&osip_call_id_to_str, req->call_id))) {
    return Fail(Error::InvalidArgument("SIP: Call-ID does not print"));
  }
  out += "CSeq: ";
  out += req->cseq->number;
  out += ' ';
  out += req->cseq->method;
  out += "\r\nContent-Length: 0\r\n\r\n";
  return out;
}

Result<std::string> SipMessage::Serialise() const {
  osip_message_force_update(msg_.get());
  char* out = nullptr;
  size_t len = 0;
  if (osip_message_to_str(msg_.get(), &out, &len) != 0 || out == nullptr) {
    return Fail(Error::InvalidArgument("SIP: message lacks a header oSIP needs to print it"));
  }
  std::string s(out, len);
  osip_free(out);
  if (!HasReceivedBodyOnly()) return s;
  // A parsed message: oSIP printed the headers; the body goes after them as received, with
  // its Content-Length.
  auto head = ScanHead(s);
  if (!head || !*head) return Fail(Error::Internal("SIP: printed head has no blank line"));
  std::string wire = HeadOnly(s, **head);
  wire.resize(wire.size() - 2);  // the blank line's CRLF
  wire += "Content-Length: ";
  wire += std::to_string(received_body_.size());
  wire += "\r\n\r\n";
  wire += received_body_;
  return wire;
}

bool SipMessage::IsRequest() const { return msg_->sip_method != nullptr; }

std::string SipMessage::Method() const {
  if (msg_->sip_method != nullptr) return msg_->sip_method;
  return msg_->cseq ? Str(msg_->cseq->method) : std::string();
}

std::string SipMessage::RequestUri() const {
  if (msg_->req_uri == nullptr) return {};
  return ToStr<osip_uri_t>(&osip_uri_to_str, msg_->req_uri);
}

int SipMessage::StatusCode() const { return msg_->sip_method ? 0 : msg_->status_code; }
std::string SipMessage::ReasonPhrase() const { return Str(msg_->reason_phrase); }
std::string SipMessage::CallId() const {
  return ToStr<osip_call_id_t>(&osip_call_id_to_str, msg_->call_id);
}

uint32_t SipMessage::CSeqNumber() const {
  if (msg_->cseq == nullptr || msg_->cseq->number == nullptr) return 0;
  return static_cast<uint32_t>(std::strtoul(msg_->cseq->number, nullptr, 10));
}

std::string SipMessage::FromUri() const {
  return msg_->from ? ToStr<osip_uri_t>(&osip_uri_to_str, msg_->from->url) : std::string();
}
std::string SipMessage::FromTag() const {
  if (msg_->from == nullptr) return {};
  osip_generic_param_t* p = FindParam(&msg_->from->gen_params, "tag");
  if (p == nullptr) return {};
  return Str(p->gvalue);
}
std::string SipMessage::ToUri() const {
  return msg_->to ? ToStr<osip_uri_t>(&osip_uri_to_str, msg_->to->url) : std::string();
}
std::string SipMessage::ToTag() const {
  if (msg_->to == nullptr) return {};
  osip_generic_param_t* p = FindParam(&msg_->to->gen_params, "tag");
  if (p == nullptr) return {};
  return Str(p->gvalue);
}

std::optional<uint32_t> SipMessage::Expires() const {
  auto v = Header("Expires");
  if (!v || v->empty() || v->size() > 10) return std::nullopt;
  uint64_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > 0xffffffffULL) return std::nullopt;
  return static_cast<uint32_t>(n);
}

std::string SipMessage::TopViaBranch() const {
  osip_via_t* v = TopVia(msg_.get());
  osip_generic_param_t* p = v ? FindParam(&v->via_params, "branch") : nullptr;
  return p ? Str(p->gvalue) : std::string();
}
std::string SipMessage::TopViaTransport() const {
  osip_via_t* v = TopVia(msg_.get());
  return v ? Str(v->protocol) : std::string();
}
std::string SipMessage::TopViaHost() const {
  osip_via_t* v = TopVia(msg_.get());
  return v ? Str(v->host) : std::string();
}
uint16_t SipMessage::TopViaPort() const {
  osip_via_t* v = TopVia(msg_.get());
  if (v == nullptr || v->port == nullptr) return 0;
  unsigned long p = std::strtoul(v->port, nullptr, 10);
  return p <= 65535 ? static_cast<uint16_t>(p) : 0;
}
bool SipMessage::TopViaHasRport() const {
  osip_via_t* v = TopVia(msg_.get());
  return v != nullptr && FindParam(&v->via_params, "rport") != nullptr;
}

void SipMessage::StampTopVia(std::string_view source_ip, uint16_t source_port) {
  osip_via_t* v = TopVia(msg_.get());
  if (v == nullptr) return;
  std::string ip(source_ip);
  if (FindParam(&v->via_params, "received") == nullptr && Str(v->host) != ip) {
    osip_via_set_received(v, osip_strdup(ip.c_str()));
  }
  if (osip_generic_param_t* rport = FindParam(&v->via_params, "rport")) {
    if (rport->gvalue != nullptr) osip_free(rport->gvalue);
    rport->gvalue = osip_strdup(std::to_string(source_port).c_str());
    if (FindParam(&v->via_params, "received") == nullptr) {
      osip_via_set_received(v, osip_strdup(ip.c_str()));
    }
  }
}

Status SipMessage::PushVia(std::string_view value) {
  osip_via_t* via = nullptr;
  if (osip_via_init(&via) != 0) return Fail(Error::Internal("SIP: out of memory"));
  if (osip_via_parse(via, std::string(value).c_str()) != 0) {
    osip_via_free(via);
    return Fail(Error::InvalidArgument("SIP: Via value does not parse"));
  }
  osip_list_add(&msg_->vias, via, 0);
  return Ok();
}

Status SipMessage::AddHeader(std::string_view name, std::string_view value) {
  std::string n(name);
  std::string v(value);
  if (osip_message_set_multiple_header(msg_.get(), n.data(), v.data()) != 0) {
    return Fail(Error::InvalidArgument("SIP: " + n + ": value does not parse"));
  }
  return Ok();
}

std::vector<std::string> SipMessage::Headers(std::string_view name) const {
  std::vector<std::string> out;
  osip_message_t* m = msg_.get();
  auto each = [&](osip_list_t* list, std::string (*fn)(void*)) {
    for (int i = 0; i < osip_list_size(list); ++i) out.push_back(fn(osip_list_get(list, i)));
  };
  if (IEquals(name, "Contact") || IEquals(name, "m")) {
    each(
        &m->contacts, +[](void* p) {
          return ToStr<osip_contact_t>(&osip_contact_to_str, static_cast<osip_contact_t*>(p));
        });
  } else if (IEquals(name, "WWW-Authenticate")) {
    each(
        &m->www_authenticates, +[](void* p) {
          return ToStr<osip_www_authenticate_t>(&osip_www_authenticate_to_str,
                                                static_cast<osip_www_authenticate_t*>(p));
        });
  } else if (IEquals(name, "Authorization")) {
    each(
        &m->authorizations, +[](void* p) {
          return ToStr<osip_authorization_t>(&osip_authorization_to_str,
                                             static_cast<osip_authorization_t*>(p));
        });
  } else if (IEquals(name, "Via") || IEquals(name, "v")) {
    each(
        &m->vias,
        +[](void* p) { return ToStr<osip_via_t>(&osip_via_to_str, static_cast<osip_via_t*>(p)); });
  } else {
    for (int i = 0; i < osip_list_size(&m->headers); ++i) {
      auto* h = static_cast<osip_header_t*>(osip_list_get(&m->headers, i));
      if (h->hname != nullptr && IEquals(h->hname, name)) out.push_back(Str(h->hvalue));
    }
  }
  return out;
}

std::optional<std::string> SipMessage::Header(std::string_view name) const {
  auto all = Headers(name);
  if (all.empty()) return std::nullopt;
  return all.front();
}

void SipMessage::RemoveHeader(std::string_view name) {
  osip_list_t* list = &msg_->headers;
  for (int i = osip_list_size(list) - 1; i >= 0; --i) {
    auto* h = static_cast<osip_header_t*>(osip_list_get(list, i));
    if (h->hname != nullptr && IEquals(h->hname, name)) {
      osip_list_remove(list, i);
      osip_header_free(h);
    }
  }
}

Status SipMessage::SetBody(std::string_view content_type, ByteView body) {
  received_body_.clear();
  osip_list_special_free(
      &msg_->bodies, +[](void* p) { osip_body_free(static_cast<osip_body_t*>(p)); });
  if (msg_->content_type != nullptr) {
    osip_content_type_free(msg_->content_type);
    msg_->content_type = nullptr;
  }
  if (osip_message_set_content_type(msg_.get(), std::string(content_type).c_str()) != 0) {
    return Fail(Error::InvalidArgument("SIP: Content-Type does not parse"));
  }
  if (body.empty()) return Ok();
  if (osip_message_set_body(msg_.get(), reinterpret_cast<const char*>(body.data()), body.size()) !=
      0) {
    return Fail(Error::InvalidArgument("SIP: body refused by oSIP"));
  }
  return Ok();
}

std::string SipMessage::ContentType() const {
  const osip_content_type_t* ct = msg_->content_type;
  if (ct == nullptr || ct->type == nullptr) return {};
  std::string s = Str(ct->type) + "/" + Str(ct->subtype);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string SipMessage::ContentTypeValue() const {
  return ToStr<osip_content_type_t>(&osip_content_type_to_str, msg_->content_type);
}

std::string SipMessage::ContentTypeParam(std::string_view name) const {
  osip_content_type_t* ct = msg_->content_type;
  if (ct == nullptr) return {};
  osip_generic_param_t* p = FindParam(&ct->gen_params, std::string(name).c_str());
  return p ? Unquote(Str(p->gvalue)) : std::string();
}

bool SipMessage::HasReceivedBodyOnly() const {
  return !received_body_.empty() && osip_list_size(&msg_->bodies) == 0 &&
         msg_->content_type != nullptr && msg_->content_type->type != nullptr;
}

Bytes SipMessage::Body() const {
  if (HasReceivedBodyOnly()) {
    const auto* d = reinterpret_cast<const uint8_t*>(received_body_.data());
    return Bytes(d, d + received_body_.size());
  }
  auto* b = static_cast<osip_body_t*>(osip_list_get(&msg_->bodies, 0));
  if (b == nullptr || b->body == nullptr) return {};
  return Bytes(reinterpret_cast<const uint8_t*>(b->body),
               reinterpret_cast<const uint8_t*>(b->body) + b->length);
}

size_t SipMessage::BodySize() const {
  if (HasReceivedBodyOnly()) return received_body_.size();
  size_t n = 0;
  for (int i = 0; i < osip_list_size(&msg_->bodies); ++i) {
    n += static_cast<osip_body_t*>(osip_list_get(&msg_->bodies, i))->length;
  }
  return n;
}

}  // namespace kb::net
