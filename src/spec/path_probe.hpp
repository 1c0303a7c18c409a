#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

// The one question the validator asks the file system, behind an interface so that
// validation stays testable with a fake.

namespace pw::spec {

/// What a path named in the spec turned out to be.
enum class PathState { file, directory, missing, escapes_repository };

/// Answers where a repository-relative path leads.
class PathProbe {
 public:
  virtual ~PathProbe() = default;
  /// Resolves relative (symlinks included) against the repository root and classifies it.
  virtual PathState probe(std::string_view relative) const = 0;
};

/// Probes the real file system under a repository root.
class DiskPathProbe final : public PathProbe {
 public:
  /// root: the repository root that spec paths are relative to.
  explicit DiskPathProbe(std::filesystem::path root);
  PathState probe(std::string_view relative) const override;

 private:
  PathState probe_uncached(std::string_view relative) const;

  std::filesystem::path root_;  // canonical
  // Specs name the same few paths many times (every job's `paths`); one validation asks the
  // disk once per distinct path.
  mutable std::unordered_map<std::string, PathState> seen_;
};

}  // namespace pw::spec
