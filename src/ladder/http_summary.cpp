// RFC 9112 HTTP/1.1 messages for the ladder diagram (docs/ladder.md): the plaintext the capture
// records for HTTPS (docs/capture.md), Authorization and key-bearing bodies already redacted.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ladder/message_summary.h"

namespace kb::ladder {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::ranges::equal(a, b, [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool Printable(std::string_view s) {
  return std::ranges::all_of(s, [](unsigned char c) { return c >= 0x20 && c < 0x7F; });
}

}  // namespace

Result<MessageSummary> SummariseHttp(std::string_view text) {
  size_t head_end = text.find("\r\n\r\n");
  if (head_end == std::string_view::npos)
    return Fail(Error::Truncated("HTTP: no blank line after the headers"));
  std::string_view head = text.substr(0, head_end);
  std::string_view body = text.substr(head_end + 4);
  size_t eol = head.find("\r\n");
  std::string_view start = head.substr(0, eol);
  if (!Printable(start)) return Fail(Error::Malformed("HTTP: start line is not text"));
  size_t sp1 = start.find(' ');
  if (sp1 == std::string_view::npos) return Fail(Error::Malformed("HTTP: start line"));
  size_t sp2 = start.find(' ', sp1 + 1);
  std::string_view first = start.substr(0, sp1);
  std::string_view second =
      start.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - sp1 - 1);
  std::string_view rest =
      sp2 == std::string_view::npos ? std::string_view() : start.substr(sp2 + 1);

  MessageSummary m;
  m.kind = "http";
  if (first.starts_with("HTTP/")) {
    int status = 0;
    auto [end, ec] = std::from_chars(second.data(), second.data() + second.size(), status);
    if (ec != std::errc() || end != second.data() + second.size() || status < 100 || status > 999)
      return Fail(Error::Malformed("HTTP: status code"));
    m.json["status"] = status;
    m.json["reason"] = std::string(rest);
    m.text = fmt::format("HTTP {} {}", status, rest);
  } else {
    if (!rest.starts_with("HTTP/")) return Fail(Error::Malformed("HTTP: request line version"));
    std::string_view path = second;
    bool query = false;
    if (size_t q = path.find('?'); q != std::string_view::npos) {
      path = path.substr(0, q);  // a query string may carry credentials: never shown
      query = true;
    }
    m.json["method"] = std::string(first);
    m.json["path"] = std::string(path);
    if (query) m.json["query_omitted"] = true;
    m.text = fmt::format("HTTP {} {}{}", first, path, query ? "?..." : "");
  }
  std::string content_type;
  std::optional<size_t> content_length;
  std::string_view headers =
      eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
  while (!headers.empty()) {
    size_t e = headers.find("\r\n");
    std::string_view line = headers.substr(0, e);
    headers = e == std::string_view::npos ? std::string_view() : headers.substr(e + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (IEquals(name, "Content-Type") && Printable(value)) {
      content_type = std::string(value.substr(0, value.find(';')));
    } else if (IEquals(name, "Content-Length")) {
      size_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc() && end == value.data() + value.size()) content_length = n;
    }
  }
  size_t length = content_length ? std::min(*content_length, body.size()) : body.size();
  std::string_view b = body.substr(0, length);
  if (!content_type.empty()) m.json["content_type"] = content_type;
  m.json["body_length"] = length;
  if (b.starts_with("[") && b.ends_with("-octet body redacted by keybridge capture]")) {
    m.json["body_redacted"] = true;
    m.text += fmt::format(" ({}, body redacted by the capture)",
                          content_type.empty() ? "no content type" : content_type);
  } else if (length > 0) {
    m.text += " (" + DescribeBody(content_type, length) + ")";
  }
  return m;
}

}  // namespace kb::ladder
