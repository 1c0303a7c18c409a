#pragma once

#include "spec/diagnostic.hpp"
#include "spec/model.hpp"
#include "spec/path_probe.hpp"

// The individual semantic checks that validate_spec runs, one concern per file.

namespace pw::spec {

/// Unknown images, jobs, services, environments and secrets named anywhere in the spec.
void check_references(const Spec& spec, Diagnostics& diagnostics);
/// Cycles in jobs' needs and in environments' from.
void check_cycles(const Spec& spec, Diagnostics& diagnostics);
/// Git tag names that git would refuse, and a tag used by two environments.
void check_git_tags(const Spec& spec, Diagnostics& diagnostics);
/// Dockerfiles, contexts and input paths: inside the repository and existing.
void check_paths(const Spec& spec, const PathProbe& paths, Diagnostics& diagnostics);

}  // namespace pw::spec
