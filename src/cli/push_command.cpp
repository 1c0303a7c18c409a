#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "git/notes.hpp"
#include "git/remote_push.hpp"
#include "git/repository.hpp"
#include "git/tag_records.hpp"
#include "promote/promotion.hpp"

namespace pw::cli {
namespace {

struct PushCommandOptions {
  std::string remote = "origin";
};

// The value a ref holds, or "" when it does not exist.
std::string value_of(const git::Repository& repository, const std::string& ref) {
  auto refs = git::list_refs(repository, ref);
  if (!refs)
    throw GitError(refs.error().message);
  for (const auto& entry : refs.value()) {
    if (entry.name == ref)
      return entry.value;
  }
  return {};
}

void run_push(const GlobalOptions& global, const PushCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  auto repo = git::Repository::discover(spec.root);
  if (!repo)
    throw GitError(repo.error().message);
  const git::Repository& repository = repo.value();
  // Every promotion ref that differs from what was last fetched from (or pushed to) the remote.
  std::vector<std::string> candidates;
  for (const auto& environment : spec.environments) {
    candidates.push_back(promote::state_ref(environment));
    auto history = git::list_refs(repository, promote::history_prefix(environment.name));
    if (!history)
      throw GitError(history.error().message);
    for (const auto& entry : history.value())
      candidates.push_back(entry.name);
  }
  candidates.emplace_back(git::k_notes_ref);
  std::vector<git::PushRef> refs;
  for (const auto& ref : candidates) {
    const std::string local = value_of(repository, ref);
    if (local.empty() || local == value_of(repository, git::tracking_ref(options.remote, ref)))
      continue;
    refs.push_back(
        {ref, ref == git::k_notes_ref ? git::PushMode::fast_forward_only : git::PushMode::replace});
  }
  if (refs.empty()) {
    std::cout << "nothing to push: " << options.remote << " has every promotion ref\n";
    return;
  }
  auto pushed = git::push_with_lease(repository, options.remote, refs);
  if (!pushed) {
    const git::PushFailure& failure = pushed.error();
    if (failure.kind == git::PushError::lease_conflict || failure.kind == git::PushError::rejected)
      throw Error(ExitCode::conflict, failure.message);
    throw GitError(failure.message);
  }
  for (const auto& ref : refs)
    std::cout << "pushed " << ref.ref << " to " << options.remote << "\n";
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
