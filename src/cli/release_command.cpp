#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "docker/docker_cli.hpp"
#include "git/repository.hpp"
#include "proc/process.hpp"
#include "release/release_head.hpp"

namespace pw::cli {
namespace {

struct ReleaseCommandOptions {
  bool json = false;
  bool quiet = false;
};

void run_release(const GlobalOptions& global, const ReleaseCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  auto repo = git::Repository::discover(spec.root);
  if (!repo)
    throw GitError(repo.error().message);
  Console console(options.json ? Console::Target::stderr_only : Console::Target::stdout_and_stderr);
  install_interrupt_handlers();
  proc::SystemProcessRunner runner;
  docker::DockerCli engine(runner);
  ConsoleBuildReporter reporter(console, options.quiet ? Lines::hidden : Lines::shown);
  const release::ReleaseOutcome outcome =
      release::release_head(spec, repo.value(), {engine, runner, reporter});
  const release::Artifact& artifact = outcome.artifact;
  if (options.json) {
    const nlohmann::json out = {
        {"commit", artifact.commit},
        {"repository", artifact.repository},
        {"digest", artifact.digest},
        {"image", artifact.image()},
        {"pushed", outcome.reference},
        {"built_at", artifact.built_at},
        {"tool_version", artifact.tool_version},
        {"run_id",
         artifact.run_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(artifact.run_id)},
        {"tests", artifact.tests},
        {"note_written", outcome.note_written}};
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "released " << artifact.commit.substr(0, 12) << ": " << artifact.image()
            << (outcome.note_written ? "" : " (already recorded)") << "\n";
}

}  // namespace

void add_release_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "release", "Build (or reuse) HEAD's release image, push it and record its digest in git");
  auto options = std::make_shared<ReleaseCommandOptions>();
  cmd->add_flag("--json", options->json, "Print the artifact as JSON (logs go to stderr)");
  cmd->add_flag("-q,--quiet", options->quiet, "Do not stream build logs (they still go to files)");
  cmd->footer(
      "The spec's 'release' image is built from HEAD's tracked files (or reused when its\n"
      "inputs are unchanged), pushed as <registry>/release:<full sha>, and the digest the\n"
      "registry reports is recorded as a note on the commit (git notes --ref=pipewright).\n"
      "Releasing a commit again with the same digest leaves the note unchanged.\n"
      "Exit status: 0; 3 invalid spec or no 'release' image; 5 Docker or registry failed;\n"
      "6 build failed; 7 build secret missing; 8 git error; 9 uncommitted changes;\n"
      "130/143 interrupted.");
  cmd->callback([&global, options] { run_release(global, *options); });
}

}  // namespace pw::cli
