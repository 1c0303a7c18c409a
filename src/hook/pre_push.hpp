#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "hook/push_update.hpp"
#include "run/pipeline_run.hpp"

// `pipewright hook pre-push REMOTE URL`: for each branch or tag a push updates (deletions
// skipped), the jobs — never the release or the promotion — of the flow for that ref, on
// exactly the pushed commit: the spec as committed there (its paths checked in the commit's
// tree), images from its tree, host jobs in a clean export of it. A branch whose flow runs no
// jobs (one that only releases or promotes, or none matching) falls back to the first branch
// flow that runs jobs (the seed's feature flow), said so in the output; a tag whose flow runs
// no jobs checks nothing. Monorepo selection compares the commit with the merge base of the
// remote's current value of the ref, else the remote-tracking branch `REMOTE/BRANCH`, else
// `REMOTE/HEAD`; when none is known every job is selected. A push whose inputs equal those of
// one that passed is answered from the verdict cache (hook/verdict.hpp) without Docker.

namespace pw::hook {

/// What to check.
struct PrePushRequest {
  std::filesystem::path spec_file;  ///< as located for the working copy (absolute)
  std::filesystem::path root;       ///< repository root the spec's paths are relative to
  std::string remote;               ///< the remote's name (git's $1), or its URL
  std::vector<PushUpdate> updates;
  int parallelism = 1;
  bool use_cache = true;  ///< false: run everything (no verdict, no job cache)
};

/// Checks every update in turn, stopping at the first failure; progress and the verdict go
/// to out. Returns ok or the failing run's exit code; throws the typed errors of
/// core/error.hpp (an invalid spec at the commit, a build failure, a missing secret).
ExitCode run_pre_push(const PrePushRequest& request, git::Repository& repository,
                      const run::RunAdapters& adapters, std::ostream& out);

/// The line telling how to push without the check.
inline constexpr const char* k_bypass_hint =
    "the push is stopped; fix it and push again, or push without this check: "
    "git push --no-verify";

}  // namespace pw::hook
