#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Which files a commit changed, for monorepo selection: jobs and images with `paths:` run
// only when a changed file lies under one of their paths. Pure data and path matching; the
// git side (merge base, diff) is git/changes_since.hpp.

namespace pw {

/// The files a commit changed against a base, or "everything" when that cannot be told.
struct ChangeSet {
  /// Whether the changed files are known.
  enum class Scope { everything, listed };
  Scope scope = Scope::everything;
  std::vector<std::string> paths;  ///< sorted, '/'-separated, relative to the root (listed)
  std::string base;                ///< the commit compared against; empty when none
  std::string note;                ///< how it was computed, or why everything is selected

  /// Every job counts as changed (no base, unrelated history, shallow clone); note says why.
  static ChangeSet everything(std::string note);
  /// Exactly these files changed against base.
  static ChangeSet listed(std::vector<std::string> paths, std::string base, std::string note);
};

/// True when file is prefix itself or lies under it, segment by segment: `src` matches
/// `src/a.py` and `src`, never `srcx/a`; "" and "." match everything.
bool path_under(std::string_view file, std::string_view prefix);

/// The first changed file under one of prefixes and that prefix (as written), with the count
/// of changed files under any of them; nullopt when none is.
struct PathMatch {
  std::string file;
  std::string prefix;
  std::size_t count = 0;
};
std::optional<PathMatch> first_change_under(const ChangeSet& changes,
                                            const std::vector<std::string>& prefixes);

}  // namespace pw
