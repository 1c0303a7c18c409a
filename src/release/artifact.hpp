#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/repository.hpp"
#include "git/tag_records.hpp"

// The release artifact of a commit: the release image's digest bound to the commit, with its
// test evidence, stored as a git note (refs/notes/pipewright) so it travels with the
// repository and needs no server.

namespace pw::release {

/// What `pipewright release` recorded for a commit.
struct Artifact {
  std::string commit;        ///< full sha
  std::string repository;    ///< registry repository of the release image
  std::string digest;        ///< "sha256:…" of the pushed manifest
  std::string built_at;      ///< RFC 3339 UTC
  std::string tool_version;  ///< pipewright version that released it
  std::string run_id;        ///< the run whose jobs tested it ("" when none)
  nlohmann::json tests;      ///< that run's summary (null when none)

  /// The image by digest: "<repository>@<digest>".
  std::string image() const { return repository + "@" + digest; }
};

/// The note text of an artifact (JSON, one object, stable keys).
std::string artifact_to_note(const Artifact& artifact);

/// Reads a note back; the reason when it is not an artifact record.
Result<Artifact, std::string> artifact_from_note(std::string_view note);

/// The artifact recorded for commit, if any.
Result<std::optional<Artifact>, git::GitFailure> read_artifact(const git::Repository& repository,
                                                               std::string_view commit);

/// Records (or replaces) the artifact of its commit.
Result<void, git::GitFailure> write_artifact(const git::Repository& repository,
                                             const Artifact& artifact, const git::Identity& author);

}  // namespace pw::release
