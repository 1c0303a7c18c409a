#pragma once

#include <filesystem>

#include "build/image_builder.hpp"
#include "release/release.hpp"

// `pipewright release` as one step that `pipewright ci` shares: refuse a dirty tree, build (or
// find up to date) HEAD's release image, push it, record the digest in the artifact note.

namespace pw::release {

/// What release_head needs from the outside world.
struct ReleaseAdapters {
  docker::DockerEngine& engine;
  proc::ProcessRunner& processes;
  build::BuildReporter& reporter;
};

/// Releases HEAD of repository: throws SpecError (no 'release' image), Error(policy_refused)
/// for uncommitted changes to tracked files, and the typed errors of build and publish;
/// InterruptedError when interrupted.
ReleaseOutcome release_head(const spec::Spec& spec, git::Repository& repository,
                            const ReleaseAdapters& adapters);

}  // namespace pw::release
