#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "core/result.hpp"

// How the git adapter reports failures: a value (GitFailure) in the low layer, turned into a
// typed exception (pw::GitError) by callers that throw.

namespace pw::git {

/// Why a git operation failed: what we were doing, then libgit2's own explanation, e.g.
/// "reading HEAD of /src/app: reference 'refs/heads/main' not found".
struct GitFailure {
  std::string message;
};

/// A failure whose message is `doing` followed by libgit2's last error on this thread
/// (git_error_last()), or "unknown libgit2 error" when libgit2 recorded none.
GitFailure last_git_failure(std::string_view doing);

/// The exception for callers that throw: a pw::GitError (exit code git_error) with the
/// failure's message.
GitError to_git_error(const GitFailure& failure);

/// Returns the result's value, or throws to_git_error() of its failure.
template <class T>
T value_or_throw(Result<T, GitFailure>&& result) {
  if (!result) {
    throw to_git_error(result.error());
  }
  if constexpr (!std::is_void_v<T>) {
    return std::move(result).value();
  }
}

}  // namespace pw::git
