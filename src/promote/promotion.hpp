#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/tag_records.hpp"
#include "run/pipeline_run.hpp"
#include "spec/model.hpp"

// `pipewright promote` and `pipewright rollback`: the same digest moves from environment to
// environment. An environment's state is a ref holding an annotated tag object whose message
// is a git::PromotionRecord (refs/tags/<git_tag>, else refs/pipewright/env/<environment>);
// every promotion also gets an immutable history ref refs/pipewright/history/<env>/<seq>.

namespace pw::git {
class Repository;
}

namespace pw::promote {

/// The ref holding the environment's current state.
std::string state_ref(const spec::Environment& environment);

/// The prefix of the environment's history refs ("refs/pipewright/history/staging/").
std::string history_prefix(std::string_view environment);

/// The environment's registry repository with its host ("127.0.0.1:5000/app"): its own
/// `repository`, else the spec's registry.
std::string environment_repository(const spec::Spec& spec, const spec::Environment& environment);

/// One history entry: its ref, the tag object it holds and that object's record.
struct HistoryEntry {
  std::string ref;
  std::string tag_object;
  git::PromotionRecord record;
};

/// The environment's history, oldest first; entries whose record cannot be read are skipped.
/// Throws GitError when the refs cannot be listed.
std::vector<HistoryEntry> read_history(const git::Repository& repository,
                                       std::string_view environment);

/// Which earlier state a rollback returns to: a named commit, or N distinct commits back.
struct RollbackChoice {
  std::optional<std::string> to_commit;  ///< full oid; nullopt: use steps
  int steps = 1;
};

/// The newest history entry to roll back to, or nullopt with `why` set. Pure: the `steps`-th
/// most recent distinct commit of `history` (oldest first) other than `current_commit`, or
/// the newest entry recording `to_commit`.
std::optional<HistoryEntry> rollback_target(const std::vector<HistoryEntry>& history,
                                            const std::string& current_commit,
                                            const RollbackChoice& choice, std::string& why);

/// Promotion or rollback: a rollback skips the `from` rule and ships the digest its history
/// entry recorded (from the environment's own repository) instead of the commit's artifact.
enum class PromotionKind { promotion, rollback };

/// What to promote.
struct PromoteRequest {
  std::string environment;
  std::string commit = "HEAD";  ///< any revspec
  std::optional<std::string> approved_by;
  PromotionKind kind = PromotionKind::promotion;
  std::string rollback_digest;  ///< for a rollback: the digest to ship again
};

/// What a promotion did.
struct PromoteResult {
  std::string environment;
  std::string commit;
  std::string digest;
  std::string image;            ///< "<environment repository>@<digest>"
  std::string previous_commit;  ///< empty on the first promotion
  std::string state_ref;
  std::string tag_object;
  std::string history_ref;
  std::vector<std::string> mounted_blobs;
  std::string verify_run;  ///< run id of the verify jobs; empty when there were none
};

/// Promotes: reads the state ref once, checks the policy (exit 9), copies the digest and
/// checks the destination, moves the state ref by compare-and-swap (exit 10 when it moved)
/// and writes the history entry, deploys, verifies. When deploy or verify fails, the state
/// ref and the registry tag go back to the previous promotion, which is redeployed, and an
/// Error with exit code 1 names what failed. Throws the typed errors of core/error.hpp.
PromoteResult promote(const spec::Spec& spec, git::Repository& repository,
                      const PromoteRequest& request, const run::RunAdapters& adapters);

}  // namespace pw::promote
