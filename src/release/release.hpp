#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "build/image_builder.hpp"
#include "docker/docker_engine.hpp"
#include "git/repository.hpp"
#include "git/tag_records.hpp"
#include "proc/process.hpp"
#include "release/artifact.hpp"

// `pipewright release` after the build: push HEAD's release image as <repository>:<full sha>,
// read the pushed digest back from the registry (never from the client's output), and record
// the artifact note — unchanged when the commit was already released with that digest.

namespace pw::release {

/// The name of the spec image that `pipewright release` builds and pushes.
inline constexpr std::string_view k_release_image = "release";

/// "<repository>:<commit>": the reference a release pushes. Pure.
std::string push_reference(std::string_view repository, std::string_view commit);

/// True when existing already records repository@digest (then the note is kept as is). Pure.
bool records_same_release(const std::optional<Artifact>& existing, std::string_view repository,
                          std::string_view digest);

/// The current time as RFC 3339 UTC with seconds ("2026-11-22T02:19:32Z").
std::string now_rfc3339();

/// Resolves a pushed reference to its manifest digest (verified); throws InfrastructureError
/// naming the image.
using DigestResolver = std::function<std::string(const std::string& reference)>;

/// The resolver of production: RegistryClient::get_manifest with the registry's credentials
/// (Docker config or environment), plain HTTP only for loopback registries.
DigestResolver registry_digest_resolver(proc::ProcessRunner& runner);

/// What publish_release did.
struct ReleaseOutcome {
  Artifact artifact;          ///< the artifact the note holds now
  std::string reference;      ///< what was pushed
  bool note_written = false;  ///< false: the commit already had this artifact
};

/// Pushes image (the release image built for its commit), resolves the digest, and writes the
/// artifact note by author unless it already records that digest. Throws InfrastructureError
/// (push or registry) or GitError.
ReleaseOutcome publish_release(const git::Repository& repository, docker::DockerEngine& engine,
                               const DigestResolver& resolve, const build::BuiltImage& image,
                               const git::Identity& author);

}  // namespace pw::release
