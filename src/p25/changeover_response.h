// TIA-102.AACA 10.3 Changeover-Response (0x06), SU -> KMF: the instructions performed.
#pragma once

#include "p25/changeover.h"

namespace kb::p25 {

struct ChangeoverResponse {
  static constexpr MessageId kId = MessageId::kChangeoverResponse;
  std::vector<ChangeoverInstruction> instructions;

  bool operator==(const ChangeoverResponse&) const = default;
  Status EncodeBody(ByteWriter& w) const { return EncodeChangeoverInstructions(instructions, w); }
  static Result<ChangeoverResponse> DecodeBody(ByteReader& r) {
    KB_TRY(auto v, DecodeChangeoverInstructions(r));
    return ChangeoverResponse{std::move(v)};
  }
};

}  // namespace kb::p25
