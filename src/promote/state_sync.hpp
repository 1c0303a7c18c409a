#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "spec/model.hpp"

// Environment state shared through a git remote: `pipewright fetch` (and `pipewright ci`
// before a flow) takes the remote's environment refs, history and artifact notes where this
// clone has none or is behind; `pipewright push` (and `ci` after a release or promotion)
// sends what changed here, each ref only if the remote still holds what was last fetched.

namespace pw::git {
class Repository;
}

namespace pw::promote {

/// What adopting the remote's state did.
struct AdoptReport {
  std::vector<std::string> adopted;  ///< local refs created or fast-forwarded from the remote
  std::vector<std::string> kept;     ///< "REF: why" for local refs left as they are
};

/// Fetches the remote's promotion refs into tracking refs, then, for the spec's environment
/// refs, every history ref and the notes ref: creates the local ref when absent, fast-forwards
/// the notes when the remote's contain the local ones, and keeps (and reports) a local value
/// that differs. Never moves a local ref away from a value the remote lacks. Throws GitError.
AdoptReport fetch_state(const spec::Spec& spec, const git::Repository& repository,
                        std::string_view remote);

/// Pushes every environment ref, history ref and the notes ref whose local value differs from
/// the remote's as last fetched (or pushed), with a lease. Returns the refs pushed (empty:
/// nothing to push). Throws Error(conflict) when the remote moved or rejected a ref, GitError
/// otherwise.
std::vector<std::string> push_state(const spec::Spec& spec, const git::Repository& repository,
                                    std::string_view remote);

}  // namespace pw::promote
