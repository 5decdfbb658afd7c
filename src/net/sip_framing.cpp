// RFC 3261 clause 18.3 framing of SIP messages in datagrams and byte streams.
#include "net/sip_framing.h"

#include <fmt/format.h>

namespace kb::net {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kBlankLine = "\r\n\r\n";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
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

size_t SkipKeepAlives(std::string_view data) {
  size_t i = 0;
  while (i < data.size() && (data[i] == '\r' || data[i] == '\n')) ++i;
  return i;
}

}  // namespace

Result<std::optional<MessageHead>> ScanHead(std::string_view data) {
  size_t end = data.find(kBlankLine);
  if (end == std::string_view::npos) return std::optional<MessageHead>();
  MessageHead head;
  head.head_size = end + kBlankLine.size();
  // Header lines start after the start line; the last line ends at `end`.
  size_t pos = data.find(kCrlf);
  while (pos < end) {
    size_t line_begin = pos + kCrlf.size();
    size_t line_end = data.find(kCrlf, line_begin);
    if (line_end == std::string_view::npos || line_end > end) line_end = end;
    std::string_view line = data.substr(line_begin, line_end - line_begin);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && !line.empty() && line[0] != ' ' && line[0] != '\t') {
      std::string_view name = Trim(line.substr(0, colon));
      if (IEquals(name, "Content-Length") || IEquals(name, "l")) {
        std::string_view value = Trim(line.substr(colon + 1));
        if (value.empty() || value.size() > 9) {
          return Fail(Error::Malformed(
              fmt::format("Content-Length at offset {}: not a decimal number", line_begin)));
        }
        size_t n = 0;
        for (char c : value) {
          if (c < '0' || c > '9') {
            return Fail(Error::Malformed(
                fmt::format("Content-Length at offset {}: not a decimal number", line_begin)));
          }
          n = n * 10 + static_cast<size_t>(c - '0');
        }
        if (head.content_length && *head.content_length != n) {
          return Fail(Error::Malformed(
              fmt::format("Content-Length at offset {}: a second, different value", line_begin)));
        }
        head.content_length = n;
        head.length_line_begin = line_begin;
        head.length_line_end = line_end + kCrlf.size();
      }
    }
    pos = line_end;
  }
  return std::optional<MessageHead>(head);
}

std::string HeadOnly(std::string_view data, const MessageHead& head) {
  std::string out;
  if (head.content_length && head.length_line_end > head.length_line_begin) {
    out.append(data.substr(0, head.length_line_begin));
    out.append(data.substr(head.length_line_end, head.head_size - head.length_line_end));
  } else {
    out.append(data.substr(0, head.head_size));
  }
  return out;
}

Result<std::string_view> FrameDatagram(std::string_view datagram,
                                       std::optional<MessageHead>* head_out) {
  datagram.remove_prefix(SkipKeepAlives(datagram));
  if (datagram.empty()) return Fail(Error::Truncated("datagram: empty or keep-alive only"));
  KB_TRY(auto head, ScanHead(datagram));
  if (!head) return Fail(Error::Truncated("datagram: no blank line after the headers"));
  if (head_out) *head_out = head;
  size_t available = datagram.size() - head->head_size;
  size_t body = head->content_length.value_or(available);
  if (body > available) {
    return Fail(Error::Truncated(fmt::format(
        "Content-Length {} larger than the {} octets of body received", body, available)));
  }
  return datagram.substr(0, head->head_size + body);
}

Result<std::optional<std::string>> StreamFramer::Next() {
  size_t skip = SkipKeepAlives(buf_);
  if (skip > 0) buf_.erase(0, skip);
  last_head_.reset();
  if (buf_.empty()) return std::optional<std::string>();
  KB_TRY(auto head, ScanHead(buf_));
  if (!head) {
    if (buf_.size() > max_) {
      return Fail(
          Error::Malformed(fmt::format("stream: no blank line within the first {} octets", max_)));
    }
    return std::optional<std::string>();
  }
  last_head_ = head;
  if (!head->content_length) {
    return Fail(Error::Malformed("stream: Content-Length missing (RFC 3261 18.3)"));
  }
  size_t total = head->head_size + *head->content_length;
  if (total > max_) {
    return Fail(Error::Malformed(
        fmt::format("stream: message of {} octets larger than the maximum {}", total, max_)));
  }
  if (buf_.size() < total) return std::optional<std::string>();
  std::string msg = buf_.substr(0, total);
  buf_.erase(0, total);
  return std::optional<std::string>(std::move(msg));
}

}  // namespace kb::net
