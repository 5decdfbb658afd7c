// RFC 3264 offer/answer for MC calls with the LMR codec, the TS 23.283 10.4.1.2 encryption IEs,
// the RFC 4567 key-mgmt attribute and the TS 24.379 floor control stream.
#include "call/call_offer.h"

#include <algorithm>
#include <charconv>

#include "call/key_mgmt.h"

namespace kb::call {
namespace {

constexpr CodecInfo kCodecs[] = {
    {Codec::kAmrWb, 96, "AMR-WB", 16000, "octet-align=1"},
    {Codec::kP25Imbe, 100, "P25-IMBE", 8000, ""},
};

std::optional<Codec> CodecByName(std::string_view encoding) {
  for (const auto& c : kCodecs) {
    if (c.encoding.size() == encoding.size() &&
        std::equal(encoding.begin(), encoding.end(), c.encoding.begin(), [](char a, char b) {
          return std::toupper(static_cast<unsigned char>(a)) ==
                 std::toupper(static_cast<unsigned char>(b));
        })) {
      return c.codec;
    }
  }
  return std::nullopt;
}

bool Offers(const CallMedia& m, Codec c) {
  return std::find(m.codecs.begin(), m.codecs.end(), c) != m.codecs.end();
}

}  // namespace

const CodecInfo& InfoOf(Codec c) { return c == Codec::kAmrWb ? kCodecs[0] : kCodecs[1]; }

SessionDescription BuildSdp(const CallMedia& media, uint64_t session_id) {
  SessionDescription sd;
  sd.session_id = session_id;
  sd.session_version = session_id;
  sd.origin_address = media.address;
  sd.connection_address = media.address;
  if (media.mikey) {
    sd.attributes.push_back({std::string(kKeyMgmtAttribute), KeyMgmtValue(*media.mikey)});
  }
  MediaDescription audio;
  audio.media = "audio";
  audio.port = media.audio_port;
  audio.proto = "RTP/SAVP";
  for (Codec c : media.codecs) {
    const auto& info = InfoOf(c);
    audio.formats.push_back(std::to_string(info.payload_type));
  }
  for (Codec c : media.codecs) {
    const auto& info = InfoOf(c);
    audio.attributes.push_back({"rtpmap", std::to_string(info.payload_type) + " " +
                                              std::string(info.encoding) + "/" +
                                              std::to_string(info.clock_rate)});
    if (!info.fmtp.empty()) {
      audio.attributes.push_back(
          {"fmtp", std::to_string(info.payload_type) + " " + std::string(info.fmtp)});
    }
  }
  if (media.lmr_encryption) {
    audio.attributes.push_back(
        {std::string(kEncryptionModeAttribute), EncryptionModeValue(media.lmr_encryption->mode)});
    std::string alg = EncryptionAlgorithmValue(*media.lmr_encryption);
    if (!alg.empty()) audio.attributes.push_back({std::string(kEncryptionAlgorithmAttribute), alg});
  }
  sd.media.push_back(std::move(audio));
  if (media.floor) {
    MediaDescription fc;
    fc.media = "application";
    fc.port = media.floor->port;
    fc.proto = "udp";
    fc.formats = {"MCPTT"};
    std::string fmtp = "MCPTT mc_priority=" + std::to_string(media.floor->priority);
    if (media.floor->queueing) fmtp += ";mc_queueing";
    fc.attributes.push_back({"fmtp", fmtp});
    sd.media.push_back(std::move(fc));
  }
  return sd;
}

namespace {

Status ReadFloor(const MediaDescription& m, FloorControlOffer& out) {
  out.port = m.port;
  auto fmtp = m.Attribute("fmtp");
  if (!fmtp) return Ok();
  if (!fmtp->starts_with("MCPTT")) {
    return Fail(Error::Malformed("SDP floor control: a=fmtp is not for MCPTT"));
  }
  std::string_view params = std::string_view(*fmtp).substr(5);
  while (!params.empty()) {
    if (params.front() == ' ' || params.front() == ';') {
      params.remove_prefix(1);
      continue;
    }
    size_t end = params.find(';');
    std::string_view p = params.substr(0, end);
    params = end == std::string_view::npos ? std::string_view() : params.substr(end + 1);
    if (p == "mc_queueing") {
      out.queueing = true;
    } else if (p.starts_with("mc_priority=")) {
      unsigned v = 0;
      auto s = p.substr(12);
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || ptr != s.data() + s.size() || v > 255) {
        return Fail(Error::Malformed("SDP floor control: mc_priority is not 0-255"));
      }
      out.priority = static_cast<uint8_t>(v);
    }
  }
  return Ok();
}

}  // namespace

Result<CallMedia> ReadSdp(const SessionDescription& sdp) {
  CallMedia out;
  const MediaDescription* audio = nullptr;
  for (const auto& m : sdp.media) {
    if (m.media == "audio" && m.port != 0 && !audio) {
      audio = &m;
    } else if (m.media == "application" && m.proto == "udp" && m.formats.size() == 1 &&
               m.formats[0] == "MCPTT" && m.port != 0 && !out.floor) {
      FloorControlOffer f;
      KB_CHECK(ReadFloor(m, f));
      out.floor = f;
    }
  }
  if (!audio) return Fail(Error::Malformed("SDP: no audio stream"));
  if (audio->proto != "RTP/SAVP") {
    return Fail(Error::Unsupported("SDP audio: transport '" + audio->proto +
                                   "' (MC media is SRTP: RTP/SAVP)"));
  }
  out.address = audio->connection_address.value_or(sdp.connection_address.value_or(""));
  out.audio_port = audio->port;
  for (const auto& fmt : audio->formats) {
    for (const auto& map : audio->Attributes("rtpmap")) {
      size_t space = map.find(' ');
      if (space == std::string::npos) return Fail(Error::Malformed("SDP a=rtpmap: no encoding"));
      if (map.substr(0, space) != fmt) continue;
      std::string encoding = map.substr(space + 1, map.find('/', space) - space - 1);
      if (auto c = CodecByName(encoding); c && !Offers(out, *c)) out.codecs.push_back(*c);
    }
  }
  if (out.codecs.empty()) {
    return Fail(
        Error::Unsupported("SDP audio: no codec in common (keybridge knows AMR-WB and "
                           "P25-IMBE)"));
  }
  auto mode = audio->Attribute(kEncryptionModeAttribute);
  auto alg = audio->Attribute(kEncryptionAlgorithmAttribute);
  if (mode) {
    LmrEncryption e;
    KB_TRY(e.mode, ParseEncryptionMode(*mode));
    if (alg) KB_CHECK(ParseEncryptionAlgorithm(*alg, e));
    out.lmr_encryption = e;
  } else if (alg) {
    return Fail(Error::Malformed("SDP: Encryption Algorithm without Encryption mode"));
  } else if (Offers(out, Codec::kP25Imbe)) {
    return Fail(Error::Malformed(
        "SDP: the LMR codec is offered without a=" + std::string(kEncryptionModeAttribute) +
        " (Encryption mode is mandatory, TS 23.283 10.4.1.2)"));
  }
  auto km = sdp.Attributes(kKeyMgmtAttribute);
  for (const auto& m : audio->Attributes(kKeyMgmtAttribute)) km.push_back(m);
  if (km.size() > 1) return Fail(Error::Malformed("SDP: more than one a=key-mgmt"));
  if (km.size() == 1) {
    KB_TRY(auto message, ParseKeyMgmt(km[0]));
    out.mikey = std::move(message);
  }
  return out;
}

Result<CallMedia> AnswerOffer(const CallMedia& offer, CallType type, const AnswerPolicy& policy) {
  if (type == CallType::kPrivate && !offer.mikey) {
    return Fail(Error::Unsupported("private call offer lacks a=key-mgmt:mikey (the PCK)"));
  }
  CallMedia answer;
  answer.address = policy.address;
  answer.audio_port = policy.audio_port;
  LmrEncryption offered = offer.lmr_encryption.value_or(LmrEncryption{});
  KB_TRY(auto agreed, NegotiateLmrEncryption(offered, policy.lmr));
  if (agreed.mode == EncryptionMode::kE2ee) {
    if (!Offers(offer, Codec::kP25Imbe) || std::find(policy.codecs.begin(), policy.codecs.end(),
                                                     Codec::kP25Imbe) == policy.codecs.end()) {
      return Fail(
          Error::Unsupported("LMR end-to-end encryption needs the LMR codec (P25-IMBE) "
                             "at both ends"));
    }
    answer.codecs = {Codec::kP25Imbe};
  } else {
    for (Codec c : policy.codecs) {
      if (Offers(offer, c)) {
        answer.codecs = {c};
        break;
      }
    }
    if (answer.codecs.empty()) return Fail(Error::Unsupported("no codec in common"));
  }
  if (offer.lmr_encryption || Offers(answer, Codec::kP25Imbe)) answer.lmr_encryption = agreed;
  if (offer.floor) {
    if (!policy.floor_port) return Fail(Error::Unsupported("floor control is not offered here"));
    answer.floor =
        FloorControlOffer{*policy.floor_port, offer.floor->priority, offer.floor->queueing};
  }
  return answer;
}

Status CheckAnswer(const CallMedia& offer, const CallMedia& answer,
                   const LmrEncryptionPolicy& policy) {
  if (answer.codecs.size() != 1 || !Offers(offer, answer.codecs[0])) {
    return Fail(Error::Unsupported("answer must choose exactly one of the offered codecs"));
  }
  if (offer.lmr_encryption) {
    if (!answer.lmr_encryption) {
      return Fail(Error::Unsupported("answer lacks the LMR Encryption mode"));
    }
    KB_CHECK(CheckLmrEncryptionAnswer(*offer.lmr_encryption, *answer.lmr_encryption, policy));
    if (answer.lmr_encryption->mode == EncryptionMode::kE2ee &&
        answer.codecs[0] != Codec::kP25Imbe) {
      return Fail(Error::Unsupported("answer agreed LMR E2EE with a codec other than P25-IMBE"));
    }
  }
  if (offer.floor && !answer.floor) {
    return Fail(Error::Unsupported("answer lacks the floor control stream"));
  }
  return Ok();
}

int SipStatusFor(const Error& e) {
  return e.kind() == ErrorKind::kMalformed || e.kind() == ErrorKind::kTruncated ? 400 : 488;
}

std::string SipReasonFor(const Error& e) {
  return (SipStatusFor(e) == 400 ? "Bad Request: " : "Not Acceptable Here: ") + e.message();
}

}  // namespace kb::call
