// TIA-102.AACA status codes carried in Negative-Acknowledgment, Rekey-Acknowledgment items and
// the Registration, Deregistration and Change-RSI responses (KFDtool and dvmhost agree).
#pragma once

#include <cstdint>

namespace kb::p25 {

enum class OperationStatus : uint8_t {
  kCommandPerformed = 0x00,
  kCommandNotPerformed = 0x01,
  kItemDoesNotExist = 0x02,
  kInvalidMessageId = 0x03,
  kInvalidMac = 0x04,
  kOutOfMemory = 0x05,
  kCouldNotDecrypt = 0x06,
  kInvalidMessageNumber = 0x07,
  kInvalidKeyId = 0x08,
  kInvalidAlgorithmId = 0x09,
  kInvalidMfid = 0x0A,
  kModuleFailure = 0x0B,
  kMiAllZeros = 0x0C,
  kKeyFail = 0x0D,
  kUnknown = 0xFF,
};

}  // namespace kb::p25
