#include "cli/commands.hpp"
#include "cli/promote_console.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "git/repository.hpp"
#include "git/tag_records.hpp"
#include "promote/promotion.hpp"

namespace pw::cli {
namespace {

struct RollbackCommandOptions {
  std::string environment;
  std::string to;
  int steps = 1;
  std::string approved_by;
  bool json = false;
};

void run_rollback(const GlobalOptions& global, const RollbackCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  auto repo = git::Repository::discover(spec.root);
  if (!repo)
    throw GitError(repo.error().message);
  const spec::Environment* environment = spec.find_environment(options.environment);
  if (environment == nullptr)
    throw UsageError("unknown environment '" + options.environment + "'");
  install_interrupt_handlers();
  // Which earlier state: from the environment's own history, answered from git alone.
  const auto history = promote::read_history(repo.value(), environment->name);
  auto current = git::read_ref_state(repo.value(), promote::state_ref(*environment));
  if (!current)
    throw GitError(current.error().message);
  const std::string current_commit = current.value() ? current.value()->target_commit : "";
  promote::RollbackChoice choice;
  choice.steps = options.steps;
  if (!options.to.empty()) {
    auto to = repo.value().resolve(options.to);
    if (!to)
      throw GitError(to.error().message);
    choice.to_commit = to.value();
  }
  std::string why;
  const auto target = promote::rollback_target(history, current_commit, choice, why);
  if (!target)
    throw Error(ExitCode::policy_refused, "cannot roll back '" + environment->name + "': " + why);
  promote::PromoteRequest request;
  request.environment = environment->name;
  request.commit = target->record.commit;
  request.kind = promote::PromotionKind::rollback;
  request.rollback_digest = target->record.digest;
  if (!options.approved_by.empty())
    request.approved_by = options.approved_by;
  PromoteConsole console(options.json);
  print_promotion(promote::promote(spec, repo.value(), request, console.adapters()), options.json);
}

}  // namespace

void add_rollback_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("rollback",
                                 "Promote an earlier commit of an environment's own history again");
  auto options = std::make_shared<RollbackCommandOptions>();
  cmd->add_option("environment", options->environment, "Environment to roll back")->required();
  auto* to =
      cmd->add_option("--to", options->to, "Commit to return to (it must be in the history)");
  cmd->add_option("--steps", options->steps,
                  "Return N distinct commits back in the history (default: 1, the previous one)")
      ->check(CLI::Range(1, 100000))
      ->excludes(to);
  cmd->add_option("--approved-by", options->approved_by, "Who approved (recorded)");
  cmd->add_flag("--json", options->json, "Print the result as JSON (progress goes to stderr)");
  cmd->footer(
      "A rollback is a promotion of the digest the history recorded for that commit: no `from`\n"
      "check, the same compare-and-swap, a new history entry (From: rollback), deploy and verify.\n"
      "Exit status: 0 rolled back; 1 deploy or verify failed (state restored); 2 usage; 3 invalid\n"
      "spec; 5 registry or Docker failure; 8 git failure; 9 no such earlier state or approval\n"
      "missing; 10 the environment moved concurrently (nothing changed); 130/143 interrupted.");
  cmd->callback([&global, options] { run_rollback(global, *options); });
}

}  // namespace pw::cli
