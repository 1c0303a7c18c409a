#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/flow_select.hpp"

// What git tells a pre-push hook on its standard input: one line per ref being pushed,
// `<local ref> SP <local sha> SP <remote ref> SP <remote sha>`. Pure.

namespace pw::hook {

/// One ref a push updates.
struct PushUpdate {
  std::string local_ref;   ///< "refs/heads/feature/x", or "(delete)" for a deletion
  std::string local_sha;   ///< the commit pushed; all zeros for a deletion
  std::string remote_ref;  ///< "refs/heads/feature/x": what it becomes on the remote
  std::string remote_sha;  ///< the remote's value now; all zeros for a new ref
};

/// True for git's "no object" id (all zeros, any length).
bool is_zero_sha(std::string_view sha);

/// The updates of a pre-push hook's standard input; a line that is not four fields with hex
/// ids is an error naming its number. Empty lines are ignored.
std::optional<std::vector<PushUpdate>> parse_push_lines(std::string_view text, std::string& error);

/// The branch or tag the update pushes, by its name on the remote (refs/heads/X → branch X,
/// refs/tags/X → tag X); nullopt for other refs (notes, pipewright's own refs).
std::optional<GitRefName> pushed_ref(const PushUpdate& update);

}  // namespace pw::hook
