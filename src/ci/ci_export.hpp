#pragma once

#include <filesystem>
#include <string>

#include "spec/model.hpp"

// `pipewright ci export`: the spec as a GitLab CI or GitHub Actions configuration, so that the
// jobs of a large pipeline spread over the CI system's own runners. Pure: spec in, YAML out.

namespace pw::ci {

/// The CI systems whose configuration pipewright writes.
enum class CiSystem { gitlab, github };

/// How the generated configuration refers to the spec.
struct ExportSettings {
  /// The spec file relative to the repository root, with '/' separators; "pipewright.yaml"
  /// (the default) is not passed to commands, anything else is passed with -f.
  std::string spec_path = "pipewright.yaml";
};

/// The configuration file for system, relative to the repository root.
std::filesystem::path default_export_path(CiSystem system);

/// The command line that regenerates the configuration (shown in its header comment).
std::string regenerate_command(CiSystem system, const ExportSettings& settings);

/// `.gitlab-ci.yml`: one job per spec job, rules from the flows' patterns, a release job and
/// manual promotion jobs. Throws SpecError when the spec cannot be expressed.
std::string export_gitlab(const spec::Spec& spec, const ExportSettings& settings);

/// `.github/workflows/pipewright.yml`: a plan job, one job per spec job, a release job and a
/// promotion job per environment. Throws SpecError when two names map to one GitHub job id.
std::string export_github(const spec::Spec& spec, const ExportSettings& settings);

/// export_gitlab or export_github.
std::string export_configuration(CiSystem system, const spec::Spec& spec,
                                 const ExportSettings& settings);

}  // namespace pw::ci
