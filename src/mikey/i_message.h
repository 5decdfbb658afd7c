// TS 33.180 E.1.2 / RFC 6509 / RFC 3830 5.2: the MIKEY-SAKKE I_MESSAGE as a whole: the ordered
// payloads, their codec, and the octets the signature covers.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "mikey/common_header.h"
#include "mikey/general_extension.h"
#include "mikey/idr_payload.h"
#include "mikey/payload_types.h"
#include "mikey/rand_payload.h"
#include "mikey/sakke_payload.h"
#include "mikey/security_policy_payload.h"
#include "mikey/sign_payload.h"
#include "mikey/timestamp_payload.h"

namespace kb::mikey {

// The largest I_MESSAGE the decoder accepts (the public GMK example is 701 octets; one with
// SAKKE-to-self and key parameters is about 1,000).
inline constexpr size_t kMaxIMessageBytes = 8192;

using Payload = std::variant<TimestampPayload, RandPayload, IdrPayload, SecurityPolicyPayload,
                             SakkePayload, GeneralExtension, SignPayload>;

PayloadType TypeOf(const Payload& p);
// "T", "RAND", "IDR", "SP", "SAKKE", "General Extension", "SIGN", ...
std::string_view PayloadName(uint8_t type);

// An I_MESSAGE: HDR, then the payloads in order. The decoder and encoder accept exactly the
// TS 33.180 E.1.2 layout: T, RAND, IDRi|IDRuidi, IDRr|IDRuidr, IDRkmsi, IDRkmsr, [SP], SAKKE,
// [General Extension type 6], [General Extension type 7], [keybridge LMR root key extension
// 0xF1] (any order, each at most once), SIGN. The next-payload fields follow from the order and are
// not stored.
struct IMessage {
  CommonHeader hdr;
  std::vector<Payload> payloads;
  // Octets [0, signed_length) of the encoding are covered by the signature: from the start of
  // HDR through the 2-octet SIGN header. Set by Decode.
  size_t signed_length = 0;

  // Parses a whole message (at most kMaxIMessageBytes). Every error names the payload, the
  // field and the offset.
  static Result<IMessage> Decode(ByteView message);
  // Serialises the message; the same octets Decode read, for a decoded message.
  Result<Bytes> Encode() const;
  // The octets the signature covers (everything up to and including the SIGN header).
  Result<Bytes> EncodeSignedPart() const;

  template <typename T>
  const T* Find() const {
    for (const Payload& p : payloads) {
      if (const T* t = std::get_if<T>(&p)) return t;
    }
    return nullptr;
  }
  template <typename T>
  T* Find() {
    for (Payload& p : payloads) {
      if (T* t = std::get_if<T>(&p)) return t;
    }
    return nullptr;
  }
  // The IDR with that role, or null.
  const IdrPayload* FindIdr(uint8_t role) const;
  // The General Extension of that type, or null.
  const GeneralExtension* FindExtension(GeneralExtensionType type) const;
};

}  // namespace kb::mikey
