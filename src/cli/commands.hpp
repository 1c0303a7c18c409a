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
/// `pipewright release`: builds HEAD's release image, pushes it and records the artifact.
void add_release_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright status`: what each environment holds, from git alone.
void add_status_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright history ENV`: an environment's promotions, newest first.
void add_history_command(CLI::App& app, const GlobalOptions& options);

/// `pipewright promote`: moves a released digest to an environment, deploys and verifies it.
void add_promote_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright rollback`: promotes an earlier commit of an environment's history again.
void add_rollback_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright push`: pushes promotion refs and notes to a remote with lease semantics.
void add_push_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright fetch`: takes a remote's promotion refs and notes where this clone lacks them.
void add_fetch_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright hook install|uninstall|pre-push`: the git pre-push hook and what it runs.
void add_hook_command(CLI::App& app, const GlobalOptions& options);

/// `pipewright ci`: runs the flow for the CI's branch or tag with the CI's native outputs.
void add_ci_command(CLI::App& app, const GlobalOptions& options);
/// `pipewright ci export gitlab|github`: writes CI configuration mirroring the spec; `ci` is
/// the `ci` subcommand it is added to.
void add_ci_export_command(CLI::App& ci, const GlobalOptions& options);

}  // namespace pw::cli
