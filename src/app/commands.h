// The keybridge command's subcommands: each file cmd_*.cpp registers one group.
#pragma once

#include <CLI/CLI.hpp>

namespace kb::app {

// Exit status of a subcommand; set by its callback.
int& ExitCode();

void RegisterKmsCommands(CLI::App& app);
void RegisterMikeyCommands(CLI::App& app);
void RegisterServeCommands(CLI::App& app);
void RegisterKmfCommands(CLI::App& app);
void RegisterKmmCommands(CLI::App& app);
void RegisterMcCommands(CLI::App& app);
void RegisterClientCommands(CLI::App& app);
void RegisterIwfCommands(CLI::App& app);
void RegisterUpCommands(CLI::App& app);  // up, status
void RegisterGmsCommands(CLI::App& app);
void RegisterMediaCommands(CLI::App& app);   // media spectrogram
void RegisterDemoCommands(CLI::App& app);    // demo, demo check
void RegisterLadderCommands(CLI::App& app);  // ladder (docs/ladder.md)
void RegisterCallCommands(CLI::App& app);    // call join, radio talk

}  // namespace kb::app
