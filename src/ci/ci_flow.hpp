#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "ci/ci_outcome.hpp"
#include "plan/change_set.hpp"
#include "run/pipeline_run.hpp"

// `pipewright ci` as named steps: pick the flow for the context's branch or tag, run its jobs
// (monorepo selection applied), release, promote. What happened is returned, failure included,
// so that the CI's reports are written whatever the outcome.

namespace pw::git {
class Repository;
}

namespace pw::ci {

/// Receives the phases of a ci run, shown as the CI's collapsible sections or groups.
class CiLog {
 public:
  virtual ~CiLog() = default;
  /// A phase starts ("jobs", "release", "promote"); title is for people.
  virtual void begin(std::string_view id, std::string_view title) = 0;
  /// The phase id ends.
  virtual void end(std::string_view id) = 0;
  /// A remark about the run (flow choice, selection).
  virtual void note(std::string_view text) = 0;
};

/// What to run.
struct CiRequest {
  CiContext context;                       ///< ref filled in (from git when local)
  std::optional<ChangeSet> changes;        ///< monorepo selection; nullopt: every job
  std::optional<std::string> approved_by;  ///< recorded with a promotion that needs approval
  /// The remote environment state is shared through: fetched before a release or promotion,
  /// pushed after it. Empty: the state stays in this clone.
  std::string remote;
  int parallelism = 1;
  run::FailurePolicy policy = run::FailurePolicy::fail_fast;
  bool use_cache = true;
};

/// A finished ci run: what it did and, when it stopped, the typed error that stopped it.
struct CiRun {
  CiOutcome outcome;
  std::exception_ptr failure;  ///< null when the flow passed
};

/// Runs the flow for request.context.ref on HEAD of repository. Errors of the steps are caught
/// into the result (never thrown), except before the flow starts (no ref: UsageError).
CiRun run_ci(const spec::Spec& spec, git::Repository& repository, const CiRequest& request,
             const run::RunAdapters& adapters, CiLog& log);

}  // namespace pw::ci
