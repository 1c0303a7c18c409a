#include <iostream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "git/repository.hpp"
#include "promote/state_sync.hpp"

namespace pw::cli {
namespace {

struct FetchCommandOptions {
  std::string remote = "origin";
};

void run_fetch(const GlobalOptions& global, const FetchCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  const git::Repository repository = open_repository(spec);
  const promote::AdoptReport report = promote::fetch_state(spec, repository, options.remote);
  for (const auto& ref : report.adopted)
    std::cout << "updated " << ref << " from " << options.remote << "\n";
  for (const auto& why : report.kept)
    std::cerr << "note: kept " << why << "\n";
  if (report.adopted.empty())
    std::cout << "up to date with " << options.remote << "\n";
}

}  // namespace

void add_fetch_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "fetch", "Fetch environment refs, history and artifact notes from a remote");
  auto options = std::make_shared<FetchCommandOptions>();
  cmd->add_option("remote", options->remote, "Remote to fetch from (default: origin)");
  cmd->footer(
      "Fetches the remote's tags, refs/notes/pipewright and refs/pipewright/{env,history}/*\n"
      "(kept as refs/pipewright/remote/REMOTE/… for push's lease), then creates the local\n"
      "environment refs, history and notes this clone lacks and fast-forwards the notes. A local\n"
      "ref that differs from the remote's is kept and reported, never overwritten.\n"
      "Exit status: 0 fetched; 3 invalid spec; 8 git failure (remote missing or unreachable).");
  cmd->callback([&global, options] { run_fetch(global, *options); });
}

}  // namespace pw::cli
