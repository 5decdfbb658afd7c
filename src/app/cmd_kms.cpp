// keybridge kms ...: KMS community administration (TS 33.180 Annex D documents).
#include "app/commands.h"

namespace kb::app {

void RegisterKmsCommands(CLI::App& app) {
  app.add_subcommand("kms", "KMS community: init, provision");
}

}  // namespace kb::app
