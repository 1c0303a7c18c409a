#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "docker/container_cli.hpp"
#include "run/run_resources.hpp"

namespace pw::cli {
namespace {

void run_clean() {
  proc::SystemProcessRunner processes;
  docker::ContainerCli runtime(processes);
  const run::SweepResult result = run::sweep_dead_runs(runtime);
  std::cout << "removed " << result.containers << " containers and " << result.networks
            << " networks left by runs that are no longer alive\n";
  for (const auto& problem : result.problems)
    std::cerr << "warning: " << problem << "\n";
  if (!result.problems.empty()) {
    throw InfrastructureError("could not remove everything (" +
                              std::to_string(result.problems.size()) + " problems)");
  }
}

}  // namespace

void add_clean_command(CLI::App& app, const GlobalOptions& /*global*/) {
  auto* cmd = app.add_subcommand(
      "clean", "Remove containers and networks that killed pipewright runs left behind");
  cmd->footer(
      "Only objects labelled by pipewright whose owning process is dead are removed; a run that\n"
      "is still going keeps everything. Every `pipewright run` does this when it starts.\n"
      "Exit status: 0, or 5 when Docker is unavailable or something could not be removed.");
  cmd->callback([] { run_clean(); });
}

}  // namespace pw::cli
