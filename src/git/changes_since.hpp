#pragma once

#include <string_view>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/repository.hpp"
#include "plan/change_set.hpp"

// The ChangeSet of a commit for monorepo selection, from git: the files that differ between
// the merge base of the commit and a target (a branch, a remote sha) and the commit itself.
//
//   - target resolves and has a merge base M with commit, M != commit: the files changed
//     between M and commit (`git diff --name-only $(git merge-base T C) C`);
//   - M == commit (the commit is already on the target, e.g. CI on main itself, or a push of
//     an older commit): the files the commit itself changed against its first parent, so a
//     pipeline on the target branch still runs what its last commit touched; a root commit
//     (no parent) gives everything;
//   - the target does not resolve, or there is no merge base (unrelated histories, or a
//     shallow clone whose history stops before it): everything, with a note saying why (and,
//     in a shallow clone, to fetch more history).
// The only failure is a commit that does not resolve.

namespace pw::git {

/// The changes of commit (any revspec) against the merge base with target (any revspec).
Result<ChangeSet, GitFailure> changes_since(const Repository& repository, std::string_view commit,
                                            std::string_view target);

/// True when the repository is a shallow clone (history cut at a depth).
bool is_shallow(const Repository& repository);

}  // namespace pw::git
