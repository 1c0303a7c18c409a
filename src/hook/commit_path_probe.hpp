#pragma once

#include <string>
#include <unordered_map>

#include "git/commit_tree.hpp"
#include "spec/path_probe.hpp"

namespace pw::hook {

/// Checks the spec's paths in a commit's tree instead of on disk (symlinks followed inside
/// the tree; one leaving it escapes the repository), so that a commit's spec validates as
/// that commit has it, whatever the working copy holds.
class CommitPathProbe final : public spec::PathProbe {
 public:
  /// tree must outlive the probe.
  explicit CommitPathProbe(const git::CommitTree& tree) : tree_(tree) {}
  spec::PathState probe(std::string_view relative) const override;

 private:
  const git::CommitTree& tree_;
  mutable std::unordered_map<std::string, spec::PathState> seen_;
};

}  // namespace pw::hook
