#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "spec/model.hpp"

namespace pw::git {
class Repository;
}

namespace pw::cli {

/// Options every subcommand accepts.
struct GlobalOptions {
  std::string spec_file;  ///< -f/--file; empty: pipewright.yaml at the repository root
  std::string directory;  ///< -C/--directory; empty: the current directory
};

/// Applies -C, then finds the spec file and the repository root it is relative to.
std::pair<std::filesystem::path, std::filesystem::path> locate_spec(const GlobalOptions& options);

/// Applies -C, then locates, reads and validates the spec (throws SpecError).
spec::Spec load_spec(const GlobalOptions& options);

/// The git repository the spec lives in; throws GitError when there is none.
git::Repository open_repository(const spec::Spec& spec);

/// The number of jobs to run at once: requested when positive, else the number of cores.
int parallelism_or_cores(int requested);

/// Which names a command line may give.
enum class NameKind { job, image };

/// Throws UsageError (with "did you mean") for the first name that is not a job (or image) of
/// the spec.
void require_known(const spec::Spec& spec, NameKind kind, const std::vector<std::string>& names);

}  // namespace pw::cli
