#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "git/repository.hpp"
#include "release/artifact.hpp"
#include "release/environment_state.hpp"
#include "spec/load.hpp"

namespace pw::cli {
namespace {

struct StatusCommandOptions {
  bool json = false;
};

std::optional<std::string> git_tag_of(const spec::Environment& environment) {
  if (!environment.git_tag)
    return std::nullopt;
  return environment.git_tag->value;
}

void run_status(const GlobalOptions& global, const StatusCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  auto repo = git::Repository::discover(spec.root, git::BareRepository::allow);
  if (!repo)
    throw GitError(repo.error().message);
  std::vector<release::StatusRow> rows;
  for (const spec::Environment& environment : spec.environments) {
    release::EnvironmentState state = git::value_or_throw(
        release::read_environment_state(repo.value(), environment.name, git_tag_of(environment)));
    release::StatusRow row{environment.name, std::move(state.record), std::move(state.problem),
                           nullptr};
    if (row.record) {
      const auto artifact =
          git::value_or_throw(release::read_artifact(repo.value(), row.record->commit));
      if (artifact)
        row.tests = artifact->tests;
    }
    rows.push_back(std::move(row));
  }
  if (options.json) {
    std::cout << release::status_json(rows).dump(2) << "\n";
    return;
  }
  std::cout << release::render_status(rows);
}

}  // namespace

void add_status_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("status", "Show what each environment holds, from git alone");
  auto options = std::make_shared<StatusCommandOptions>();
  cmd->add_flag("--json", options->json, "Print the status as JSON");
  cmd->footer(
      "For each environment of the spec, in order: the commit its tag (or\n"
      "refs/pipewright/env/<name>) records, the image digest, when, who, promoted from, and\n"
      "the test summary of the commit's release artifact. Reads git only: works on any clone\n"
      "that fetched the tags, refs/pipewright/* and refs/notes/pipewright.\n"
      "Exit status: 0; 3 invalid spec; 8 git error.");
  cmd->callback([&global, options] { run_status(global, *options); });
}

}  // namespace pw::cli
