// TIA-102.AACD DLI (Data Link Independent) KMM preamble, Version 0: the 14 octets that precede a
// KMM in a UDP datagram between a P25 KMF and its peer (KMF services port 64414, DLI port 49644;
// ../shared/spec/p25-otar.md section 8.3). Layout and choices: docs/iwf.md.
//
//   offset 0  Version (1)  0x00
//   offset 1  MFID    (1)  0x00 standard, 0x90 Motorola
//   offset 2  ALGID   (1)  0x80 = the KMM that follows is clear
//   offset 3  KID     (2)  key ID of the encryption key (0 when clear)
//   offset 5  MI      (9)  message indicator (zero when clear)
//   offset 14 KMM
//
// dvmhost reads these fields one octet early (a 13-octet preamble whose KID and MI overlap) and
// takes "MFID != 0x80" for "encrypted"; keybridge does neither: ALGID 0x80 means clear.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"

namespace kb::iwf {

inline constexpr size_t kDliPreambleSize = 14;
inline constexpr uint8_t kDliVersion0 = 0x00;
inline constexpr uint8_t kMfidStandard = 0x00;
inline constexpr uint8_t kMfidMotorola = 0x90;
inline constexpr uint8_t kAlgidClear = 0x80;

struct DliPreamble {
  uint8_t version = kDliVersion0;
  uint8_t mfid = kMfidStandard;
  uint8_t algid = kAlgidClear;
  uint16_t kid = 0;
  std::array<uint8_t, 9> mi{};

  // Whether the KMM after the preamble is clear (ALGID 0x80).
  bool IsClear() const { return algid == kAlgidClear; }
  bool operator==(const DliPreamble&) const = default;
};

// A datagram split into its preamble and the KMM octets (a view into the datagram).
struct DliDatagram {
  DliPreamble preamble;
  ByteView kmm;
};

// Encodes the 14 octets.
Bytes EncodeDliPreamble(const DliPreamble& p);
// Decodes exactly 14 octets. kTruncated names the field that is cut short; kUnsupported for a
// version other than 0; kMalformed when octets follow.
Result<DliPreamble> DecodeDliPreamble(ByteView octets);

// preamble || kmm.
Bytes EncodeDliDatagram(const DliPreamble& p, ByteView kmm);
// Splits a datagram. Errors as DecodeDliPreamble, plus kTruncated "KMM" when nothing follows
// the preamble. The KMM itself is not checked here.
Result<DliDatagram> DecodeDliDatagram(ByteView datagram);

}  // namespace kb::iwf
