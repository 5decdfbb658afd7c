// P25 Phase 1 IMBE substitute frames (dvmhost practice): the clear silence codeword and the
// "encrypted null" codeword sent when no key is available for an encrypted call.
#pragma once

#include "p25/voice_crypto.h"

namespace kb::p25 {

// The 11-octet IMBE information frame of silence, sent in clear.
inline constexpr ImbeFrame kImbeClearSilence = {0x04, 0x0C, 0xFD, 0x7B, 0xFB, 0x7D,
                                                0xF2, 0x7B, 0x3D, 0x9E, 0x45};
// The frame dvmhost substitutes for encrypted voice it cannot decrypt.
inline constexpr ImbeFrame kImbeEncryptedNull = {0xFC, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                 0x00, 0x00, 0x00, 0x00, 0x00};

}  // namespace kb::p25
