#pragma once

#include <CLI/CLI.hpp>

#include "cli/options.hpp"

// One registration function per subcommand, each in its own file (validate_command.cpp, ...).

namespace pw::cli {

/// `pipewright validate`: checks the spec and reports every problem.
void add_validate_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright plan`: shows what would run for a branch, a tag or named jobs.
void add_plan_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright build`: builds the spec's images from the committed tree.
void add_build_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright run`: runs jobs inside the built images, with services, in dependency order.
void add_run_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright clean`: removes what killed runs left behind.
void add_clean_command(CLI::App& app, const GlobalOptions& options);

}  // namespace pw::cli
