#pragma once

#include "core/result.hpp"
#include "git/failure.hpp"

// libgit2's global state (git_libgit2_init / git_libgit2_shutdown) behind one process-wide
// guard. Every entry point of the git adapter calls ensure_libgit2() first; callers of the
// adapter never need to.

namespace pw::git {

/// Initializes libgit2 the first time it is called (thread-safe, once per process); the
/// matching git_libgit2_shutdown runs at process exit. Fails only if libgit2 could not
/// initialize, and then fails the same way on every call.
Result<void, GitFailure> ensure_libgit2();

}  // namespace pw::git
