#include "git/failure.hpp"

#include <git2/errors.h>

namespace pw::git {

GitFailure last_git_failure(std::string_view doing) {
  const git_error* error = git_error_last();
  const char* detail =
      (error != nullptr && error->message != nullptr) ? error->message : "unknown libgit2 error";
  std::string message(doing);
  message += ": ";
  message += detail;
  return GitFailure{std::move(message)};
}

GitError to_git_error(const GitFailure& failure) {
  return GitError(failure.message);
}

}  // namespace pw::git
