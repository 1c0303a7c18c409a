#include <iostream>

#include "cli/commands.hpp"
#include "spec/load.hpp"
#include "state/state_dir.hpp"
#include "state/validation_cache.hpp"

namespace pw::cli {
namespace {

struct ValidateOptions {
  bool quiet = false;
  bool no_cache = false;
};

std::string count(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

void print_valid(const std::filesystem::path& file, const state::SpecCounts& c) {
  std::cout << file.string() << ": valid (" << count(c.images, "image") << ", "
            << count(c.services, "service") << ", " << count(c.jobs, "job") << ", "
            << count(c.environments, "environment") << ", " << count(c.flows, "flow") << ")\n";
}

// Validates, answering from the validation cache when nothing the verdict depends on changed
// (only inside a git work tree, where .pipewright/ lives).
void run_validate(const GlobalOptions& options, const ValidateOptions& validate) {
  auto [file, root] = locate_spec(options);
  const std::string source = spec::read_spec_source(file);
  const spec::DiskPathProbe disk(root);
  const spec::VarLookup env = spec::process_environment();
  const bool cacheable = !validate.no_cache && std::filesystem::exists(root / ".git");
  std::optional<state::ValidationCache> cache;
  std::string key;
  if (cacheable) {
    cache.emplace(root / ".pipewright");
    key = state::ValidationCache::key(source, root);
    if (auto counts = cache->find(key, env, disk)) {
      if (!validate.quiet)
        print_valid(file, *counts);
      return;
    }
  }
  state::ValidationRecorder recorder(env, disk);
  const spec::Spec spec =
      spec::load_spec_source({file, root, recorder.lookup(), &recorder.probe()}, source);
  const state::SpecCounts counts{spec.images.size(), spec.services.size(), spec.jobs.size(),
                                 spec.environments.size(), spec.flows.size()};
  if (cacheable) {
    state::ensure_state_dir(root);
    cache->store(key, recorder, counts);
  }
  if (!validate.quiet)
    print_valid(file, counts);
}

}  // namespace

void add_validate_command(CLI::App& app, const GlobalOptions& options) {
  auto* cmd = app.add_subcommand("validate", "Check the pipeline spec and report every problem");
  cmd->footer(
      "Exit status: 0 when the spec is valid, 3 when it is not (every problem is printed as\n"
      "FILE:LINE:COL with the offending line), 2 on a bad command line.");
  auto validate = std::make_shared<ValidateOptions>();
  cmd->add_flag("-q,--quiet", validate->quiet, "Print nothing when the spec is valid");
  cmd->add_flag("--no-cache", validate->no_cache,
                "Check everything again even when the spec, the variables it uses and the paths "
                "it names are unchanged since it last validated");
  cmd->callback([&options, validate] { run_validate(options, *validate); });
}

}  // namespace pw::cli
