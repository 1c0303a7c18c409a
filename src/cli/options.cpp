#include "cli/options.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "git/repository.hpp"
#include "spec/load.hpp"
#include "util/edit_distance.hpp"

namespace pw::cli {

std::pair<std::filesystem::path, std::filesystem::path> locate_spec(const GlobalOptions& options) {
  if (!options.directory.empty()) {
    std::error_code ec;
    std::filesystem::current_path(options.directory, ec);
    if (ec)
      throw UsageError("cannot change to directory '" + options.directory + "': " + ec.message());
  }
  return spec::locate_spec(options.spec_file);
}

spec::Spec load_spec(const GlobalOptions& options) {
  auto [file, root] = locate_spec(options);
  return spec::load_spec(spec::LoadRequest{file, root, {}, nullptr});
}

git::Repository open_repository(const spec::Spec& spec) {
  auto repo = git::Repository::discover(spec.root);
  if (!repo)
    throw GitError(repo.error().message);
  return std::move(repo).value();
}

int parallelism_or_cores(int requested) {
  return requested > 0 ? requested
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void require_known(const spec::Spec& spec, NameKind kind, const std::vector<std::string>& names) {
  std::vector<std::string> known;
  if (kind == NameKind::job) {
    for (const auto& job : spec.jobs)
      known.push_back(job.name);
  } else {
    for (const auto& image : spec.images)
      known.push_back(image.name);
  }
  const std::string noun = kind == NameKind::job ? "job" : "image";
  for (const auto& name : names) {
    if (std::find(known.begin(), known.end(), name) != known.end())
      continue;
    auto near = closest_match(name, known);
    throw UsageError("no " + noun + " named '" + name + "' in " + spec.file +
                     (near ? " (did you mean '" + *near + "'?)" : ""));
  }
}

}  // namespace pw::cli
