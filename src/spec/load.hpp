#pragma once

#include <filesystem>
#include <string>

#include "spec/model.hpp"
#include "spec/path_probe.hpp"
#include "spec/variables.hpp"

namespace pw::spec {

/// The spec file used when none is given: pipewright.yaml at the repository root.
inline constexpr const char* k_default_spec_name = "pipewright.yaml";

/// Where to read the spec from and how to expand it.
struct LoadRequest {
  std::filesystem::path file;        ///< the spec file
  std::filesystem::path root;        ///< repository root for relative paths; empty: file's dir
  VarLookup env;                     ///< environment for ${VAR}; empty: the process env
  const PathProbe* paths = nullptr;  ///< how paths are checked; null: the disk under root
};

/// Reads a spec file, refusing directories and files over k_max_spec_bytes (SpecError).
std::string read_spec_source(const std::filesystem::path& file);

/// Parses and validates spec text already read from request.file (see load_spec).
Spec load_spec_source(const LoadRequest& request, const std::string& source);

/// Reads, parses and validates a spec; throws SpecError carrying every problem rendered as
/// FILE:LINE:COL diagnostics (exit code invalid_spec).
Spec load_spec(const LoadRequest& request);

/// A VarLookup over the process environment.
VarLookup process_environment();

/// Finds the spec: explicit (if not empty) or pipewright.yaml in the enclosing git work tree
/// (or the current directory when not in a repository). Returns {file, repository root}.
std::pair<std::filesystem::path, std::filesystem::path> locate_spec(
    const std::filesystem::path& explicit_file);

}  // namespace pw::spec
