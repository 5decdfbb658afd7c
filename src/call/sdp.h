// RFC 4566 SDP, the subset MC call setup uses: v, o, s, c, t, a at session level and m, c, a per
// media, parsed with fixed bounds (size, lines, media, attributes) and printed back. Errors name
// the line and the field. RFC 3264 offer/answer sits above this (call_offer.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace kb::call {

// Bounds of the parser (an SDP body larger or longer than this is refused).
inline constexpr size_t kMaxSdpSize = 16384;
inline constexpr size_t kMaxSdpLines = 128;
inline constexpr size_t kMaxSdpLineLength = 4096;  // an I_MESSAGE in base64 is ~1 KB
inline constexpr size_t kMaxMedia = 8;
inline constexpr size_t kMaxAttributes = 32;  // per section

// a=<name>[:<value>]
struct SdpAttribute {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const SdpAttribute&, const SdpAttribute&) = default;
};

// m=<media> <port> <proto> <fmt> ... with its c= and a= lines.
struct MediaDescription {
  std::string media;  // "audio", "application"
  uint16_t port = 0;
  std::string proto;  // "RTP/SAVP", "udp"
  std::vector<std::string> formats;
  std::optional<std::string> connection_address;  // c=IN IP4|IP6 <address>
  std::vector<SdpAttribute> attributes;

  // The value of the first attribute `name` ("" for a flag); nullopt when absent.
  std::optional<std::string> Attribute(std::string_view name) const;
  std::vector<std::string> Attributes(std::string_view name) const;
  friend bool operator==(const MediaDescription&, const MediaDescription&) = default;
};

struct SessionDescription {
  std::string origin_user = "-";
  uint64_t session_id = 0;
  uint64_t session_version = 0;
  std::string origin_address = "127.0.0.1";
  std::string session_name = "-";
  std::optional<std::string> connection_address;
  std::vector<SdpAttribute> attributes;  // session level
  std::vector<MediaDescription> media;

  std::optional<std::string> Attribute(std::string_view name) const;
  std::vector<std::string> Attributes(std::string_view name) const;

  // Parses a whole body (CRLF or LF line ends). Errors: kMalformed "SDP line N (x=): ...",
  // kUnsupported for an unknown type letter, a version other than 0 or a non-IN address.
  static Result<SessionDescription> Parse(std::string_view text);
  // The body, CRLF line ends, "t=0 0".
  std::string Serialise() const;
  friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

}  // namespace kb::call
