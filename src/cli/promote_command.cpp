#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/promote_console.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "git/repository.hpp"
#include "promote/promotion.hpp"

namespace pw::cli {
namespace {

struct PromoteCommandOptions {
  std::string environment;
  std::string commit = "HEAD";
  std::string approved_by;
  bool json = false;
};

void run_promote(const GlobalOptions& global, const PromoteCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  auto repo = git::Repository::discover(spec.root);
  if (!repo)
    throw GitError(repo.error().message);
  install_interrupt_handlers();
  promote::PromoteRequest request;
  request.environment = options.environment;
  request.commit = options.commit;
  if (!options.approved_by.empty())
    request.approved_by = options.approved_by;
  PromoteConsole console(options.json);
  const promote::PromoteResult result =
      promote::promote(spec, repo.value(), request, console.adapters());
  print_promotion(result, options.json);
}

}  // namespace

void add_promote_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "promote", "Promote a commit's released digest to an environment, deploy and verify it");
  auto options = std::make_shared<PromoteCommandOptions>();
  cmd->add_option("environment", options->environment, "Environment to promote to")->required();
  cmd->add_option("--commit", options->commit, "Commit to promote (default: HEAD)");
  cmd->add_option("--approved-by", options->approved_by,
                  "Who approved the promotion (recorded; required where the spec asks)");
  cmd->add_flag("--json", options->json, "Print the result as JSON (progress goes to stderr)");
  cmd->footer(
      "Checks the policy (the commit has a release artifact; with `from`, it is what that\n"
      "environment holds now; approvals), copies the digest to the environment's repository:tag,\n"
      "moves the environment's ref by compare-and-swap with an annotated record and a history\n"
      "entry, runs `deploy` and the `verify` jobs (the release image by digest). If either\n"
      "fails, the previous promotion is restored and redeployed.\n"
      "Exit status: 0 promoted; 1 deploy or verify failed (previous state restored); 2 usage;\n"
      "3 invalid spec; 5 registry or Docker failure; 8 git failure; 9 refused by policy;\n"
      "10 the environment moved concurrently (nothing changed); 130/143 interrupted.");
  cmd->callback([&global, options] { run_promote(global, *options); });
}

}  // namespace pw::cli
