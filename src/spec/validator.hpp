#pragma once

#include "spec/diagnostic.hpp"
#include "spec/model.hpp"
#include "spec/path_probe.hpp"

namespace pw::spec {

/// The semantic checks that need the whole spec: references between names (with "did you
/// mean"), cycles in needs and in environments' from, git tag names, secret names, and the
/// paths the spec names (inside the repository, existing). Records every problem found.
void validate_spec(const Spec& spec, const PathProbe& paths, Diagnostics& diagnostics);

}  // namespace pw::spec
