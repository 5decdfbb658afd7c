// TIA-102.AACA 10.3 Changeover-Command (0x05), KMF -> SU: activate keysets.
#pragma once

#include "p25/changeover.h"

namespace kb::p25 {

struct ChangeoverCommand {
  static constexpr MessageId kId = MessageId::kChangeoverCommand;
  std::vector<ChangeoverInstruction> instructions;

  bool operator==(const ChangeoverCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const { return EncodeChangeoverInstructions(instructions, w); }
  static Result<ChangeoverCommand> DecodeBody(ByteReader& r) {
    KB_TRY(auto v, DecodeChangeoverInstructions(r));
    return ChangeoverCommand{std::move(v)};
  }
};

}  // namespace kb::p25
