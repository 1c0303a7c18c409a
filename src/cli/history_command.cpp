#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "git/repository.hpp"
#include "release/environment_state.hpp"
#include "spec/load.hpp"
#include "util/edit_distance.hpp"

namespace pw::cli {
namespace {

struct HistoryCommandOptions {
  std::string environment;
  bool json = false;
};

void require_environment(const spec::Spec& spec, const std::string& name) {
  if (spec.find_environment(name) != nullptr)
    return;
  std::vector<std::string> known;
  for (const auto& environment : spec.environments)
    known.push_back(environment.name);
  const auto near = closest_match(name, known);
  throw UsageError("no environment named '" + name + "' in " + spec.file +
                   (near ? " (did you mean '" + *near + "'?)" : ""));
}

void run_history(const GlobalOptions& global, const HistoryCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  require_environment(spec, options.environment);
  auto repo = git::Repository::discover(spec.root, git::BareRepository::allow);
  if (!repo)
    throw GitError(repo.error().message);
  auto entries = git::value_or_throw(release::read_history(repo.value(), options.environment));
  std::reverse(entries.begin(), entries.end());  // newest first
  if (options.json) {
    std::cout << release::history_json(options.environment, entries).dump(2) << "\n";
    return;
  }
  std::cout << release::render_history(options.environment, entries);
}

}  // namespace

void add_history_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("history", "List an environment's promotions, newest first");
  auto options = std::make_shared<HistoryCommandOptions>();
  cmd->add_option("environment", options->environment, "Environment of the spec")->required();
  cmd->add_flag("--json", options->json, "Print the history as JSON");
  cmd->footer(
      "Every promotion and rollback of the environment, from\n"
      "refs/pipewright/history/<environment>/<seq>: sequence number, commit, digest, when,\n"
      "who, promoted from. Reads git only.\n"
      "Exit status: 0; 2 unknown environment; 3 invalid spec; 8 git error.");
  cmd->callback([&global, options] { run_history(global, *options); });
}

}  // namespace pw::cli
