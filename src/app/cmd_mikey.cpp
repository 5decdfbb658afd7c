// keybridge mikey ...: MIKEY-SAKKE I_MESSAGEs (TS 33.180 Annex E): create, decode, open.
#include "app/commands.h"

namespace kb::app {

void RegisterMikeyCommands(CLI::App& app) {
  app.add_subcommand("mikey", "MIKEY-SAKKE I_MESSAGEs: create, decode, open");
}

}  // namespace kb::app
