// keybridge: the command-line entry point. Parses flags and runs one subcommand.
#include <cstdio>
#include <exception>

#include "app/commands.h"

namespace kb::app {
int& ExitCode() {
  static int code = 0;
  return code;
}
}  // namespace kb::app

int main(int argc, char** argv) {
  CLI::App app{"keybridge: 3GPP MC <-> LMR interworking key management"};
  app.set_version_flag("--version", "keybridge 0.1.0");
  app.require_subcommand(1);
  kb::app::RegisterKmsCommands(app);
  kb::app::RegisterMikeyCommands(app);
  kb::app::RegisterServeCommands(app);
  kb::app::RegisterKmfCommands(app);
  kb::app::RegisterKmmCommands(app);
  kb::app::RegisterMcCommands(app);
  kb::app::RegisterClientCommands(app);
  kb::app::RegisterIwfCommands(app);
  kb::app::RegisterUpCommands(app);
  kb::app::RegisterGmsCommands(app);
  kb::app::RegisterDemoCommands(app);
  kb::app::RegisterLadderCommands(app);
  kb::app::RegisterCallCommands(app);
  kb::app::RegisterMediaCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "keybridge: %s\n", e.what());
    return 1;
  }
  return kb::app::ExitCode();
}
