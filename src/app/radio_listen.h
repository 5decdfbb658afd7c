// keybridge radio listen: an emulated P25 radio receiving a group's voice on the IWF's LMR leg
// (plain RTP carrying the keybridge P25 LDU payload, docs/media.md) and removing the LMR
// end-to-end encryption (TIA-102.AAAD) with the group's TEK: what MC clients said reaches the
// LMR side (TS 33.180 Annex K.2 relay or Annex L.5 security gateway; docs/calls.md).
#pragma once

#include <CLI/CLI.hpp>

namespace kb::app {

// Adds `listen` to the `radio` subcommand.
void RegisterRadioListen(CLI::App& radio);

}  // namespace kb::app
