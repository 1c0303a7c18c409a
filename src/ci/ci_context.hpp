#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "plan/flow_select.hpp"
#include "spec/variables.hpp"

// Where `pipewright ci` runs and for what: GitLab CI, GitHub Actions or a plain checkout, and
// the branch or tag, commit, merge/pull request and actor that system says it runs for. Pure:
// read from the environment given (and GitHub's event file text); every value is untrusted
// input that later reaches output files, so values with control characters are refused.

namespace pw::ci {

/// The CI system a run happens in.
enum class CiSystem { local, gitlab, github };

/// "local", "gitlab" or "github".
std::string_view system_name(CiSystem system);

/// A merge request (GitLab) or pull request (GitHub).
struct ChangeRequest {
  std::string id;             ///< "!12" / "#34" as the system numbers it (digits only kept)
  std::string source_branch;  ///< the branch being merged
  std::string target_branch;  ///< the branch it merges into
};

/// What the CI system says this run is for.
struct CiContext {
  CiSystem system = CiSystem::local;
  std::optional<GitRefName> ref;  ///< branch or tag; nullopt when the system does not say
  std::string commit;             ///< full sha the system checked out; empty locally
  std::optional<ChangeRequest> change_request;
  std::string actor;           ///< who triggered the run (login), if known
  std::string default_branch;  ///< the project's default branch, if known
  std::string before_commit;   ///< the branch's previous tip for a push, if known (not 000…)
  std::string diff_base;       ///< the change request's base commit, if the system gives it
  std::string event;           ///< GitHub event name / GitLab pipeline source
  std::string url;             ///< link to the pipeline or workflow run, if known
  bool manual = false;         ///< started by a person (GitLab manual job, GitHub dispatch)
};

/// Why the environment cannot be trusted as a context (a value with a control character, a
/// GitHub ref of an unknown shape).
struct ContextError {
  std::string message;
};

/// Detects the CI system from env (GITLAB_CI / GITHUB_ACTIONS) and reads its variables;
/// github_event is the text of $GITHUB_EVENT_PATH (empty when unavailable). Locally, only the
/// system is set: the caller fills the ref from git.
Result<CiContext, ContextError> detect_context(const spec::VarLookup& env,
                                               std::string_view github_event = {});

/// The branch merges and monorepo selection compare against: the change request's target,
/// else the default branch unless the run is for that branch itself; empty when none applies.
std::string comparison_branch(const CiContext& context);

}  // namespace pw::ci
