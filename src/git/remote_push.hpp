#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/notes.hpp"
#include "git/repository.hpp"

// Exchanging promotion refs (environment tags, notes) with a configured remote, with lease
// semantics: fetch keeps the remote's values under refs/pipewright/remote/<remote>/… (never
// touching local tags), and a push goes ahead only when the remote still holds exactly what
// was last fetched. Every ref's outcome is checked: libgit2 reports a per-ref rejection only
// through its push_update_reference callback, not through the return code.
//
// Credentials, asked for only when the transport needs them: the SSH agent for ssh remotes;
// for http(s), the token in PIPEWRIGHT_GIT_TOKEN with user PIPEWRIGHT_GIT_USER (default
// "oauth2"). Local paths and file:// need none.

namespace pw::git {

/// Where the last-fetched value of `ref` ("refs/tags/Staging") from `remote` is kept:
/// "refs/pipewright/remote/<remote>/tags/Staging". `ref` must start with "refs/".
std::string tracking_ref(std::string_view remote, std::string_view ref);

/// True when the repository has a remote of that name configured.
bool has_remote(const Repository& repository, std::string_view remote);

/// Fetches every tag, the notes ref `notes_ref`, refs/pipewright/env/* and
/// refs/pipewright/history/* of the configured remote `remote` into its tracking refs,
/// force-updating them and pruning those the remote no longer has.
Result<void, GitFailure> fetch_promotion_refs(const Repository& repository, std::string_view remote,
                                              std::string_view notes_ref = k_notes_ref);

/// How a pushed ref may change the remote's value, beyond the lease: tags are replaced, notes
/// (a history of commits) only fast-forwarded.
enum class PushMode { fast_forward_only, replace };

/// One ref to push under the same name on the remote, e.g. {"refs/tags/Staging", replace}.
struct PushRef {
  std::string ref;
  PushMode mode = PushMode::replace;
};

/// Why a push failed: the lease did not hold (the remote moved since the last fetch; nothing
/// was pushed), the remote rejected a ref, or the push could not happen at all.
enum class PushError { lease_conflict, rejected, failed };

/// A failed push; the message names every ref concerned.
struct PushFailure {
  PushError kind = PushError::failed;
  std::string message;
};

/// Pushes `refs` to the configured remote `remote` if, for every one, the remote's current
/// value (listed after connecting) equals its tracking ref (absent = the remote must not have
/// it); the values checked are those sent as the old values, so a server running git's
/// receive-pack applies the same check under its ref lock. On success the tracking refs are
/// set to the pushed values.
Result<void, PushFailure> push_with_lease(const Repository& repository, std::string_view remote,
                                          const std::vector<PushRef>& refs);

}  // namespace pw::git
