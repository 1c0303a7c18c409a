#pragma once

#include <string>

#include "spec/model.hpp"

namespace pw::cli {

/// Options every subcommand accepts.
struct GlobalOptions {
  std::string spec_file;  ///< -f/--file; empty: pipewright.yaml at the repository root
  std::string directory;  ///< -C/--directory; empty: the current directory
};

/// Applies -C, then locates, reads and validates the spec (throws SpecError).
spec::Spec load_spec(const GlobalOptions& options);

}  // namespace pw::cli
