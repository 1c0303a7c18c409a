#include <iostream>

#include "cli/commands.hpp"

namespace pw::cli {
namespace {

std::string count(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

void run_validate(const GlobalOptions& options, bool quiet) {
  const spec::Spec spec = load_spec(options);
  if (quiet)
    return;
  std::cout << spec.file << ": valid (" << count(spec.images.size(), "image") << ", "
            << count(spec.services.size(), "service") << ", " << count(spec.jobs.size(), "job")
            << ", " << count(spec.environments.size(), "environment") << ", "
            << count(spec.flows.size(), "flow") << ")\n";
}

}  // namespace

void add_validate_command(CLI::App& app, const GlobalOptions& options) {
  auto* cmd = app.add_subcommand("validate", "Check the pipeline spec and report every problem");
  cmd->footer(
      "Exit status: 0 when the spec is valid, 3 when it is not (every problem is printed as\n"
      "FILE:LINE:COL with the offending line), 2 on a bad command line.");
  auto quiet = std::make_shared<bool>(false);
  cmd->add_flag("-q,--quiet", *quiet, "Print nothing when the spec is valid");
  cmd->callback([&options, quiet] { run_validate(options, *quiet); });
}

}  // namespace pw::cli
