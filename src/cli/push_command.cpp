#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "git/repository.hpp"
#include "promote/state_sync.hpp"

namespace pw::cli {
namespace {

struct PushCommandOptions {
  std::string remote = "origin";
};

void run_push(const GlobalOptions& global, const PushCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  const git::Repository repository = open_repository(spec);
  const auto pushed = promote::push_state(spec, repository, options.remote);
  if (pushed.empty()) {
    std::cout << "nothing to push: " << options.remote << " has every promotion ref\n";
    return;
  }
  for (const auto& ref : pushed)
    std::cout << "pushed " << ref << " to " << options.remote << "\n";
}

}  // namespace

void add_push_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "push", "Push environment refs, history and artifact notes to a remote, with a lease");
  auto options = std::make_shared<PushCommandOptions>();
  cmd->add_option("remote", options->remote, "Remote to push to (default: origin)");
  cmd->footer(
      "Pushes every environment ref, history entry and the notes ref (refs/notes/pipewright)\n"
      "that differs from the remote's value as last fetched or pushed; each goes ahead only if\n"
      "the remote still holds exactly that value (lease), so a tag someone else moved is never\n"
      "overwritten. Notes are only fast-forwarded.\n"
      "Exit status: 0 pushed (or nothing to push); 3 invalid spec; 8 git failure;\n"
      "10 the remote moved since it was last fetched, or rejected a ref (nothing overwritten).");
  cmd->callback([&global, options] { run_push(global, *options); });
}

}  // namespace pw::cli
