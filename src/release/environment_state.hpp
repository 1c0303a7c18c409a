#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/repository.hpp"
#include "git/tag_records.hpp"

// The read side of promotion, answered from git alone: what each environment holds now (the
// annotated tag object its state ref points to, whose message is a PromotionRecord) and its
// history (refs/pipewright/history/<environment>/<seq>, one tag object per promotion), plus
// the pure rendering of both for `pipewright status` and `pipewright history`.

namespace pw::release {

/// The ref holding an environment's current state: refs/tags/<git_tag> when it has a git tag,
/// else refs/pipewright/env/<environment>.
std::string state_ref(std::string_view environment, const std::optional<std::string>& git_tag);

/// The ref prefix of an environment's history entries: "refs/pipewright/history/<env>/".
std::string history_prefix(std::string_view environment);

/// What an environment holds now.
struct EnvironmentState {
  std::string environment;                     ///< its name in the spec
  std::string ref;                             ///< the state ref read
  std::optional<git::PromotionRecord> record;  ///< nullopt: nothing recorded (see problem)
  std::string commit;   ///< the commit the ref peels to; empty when the ref does not exist
  std::string problem;  ///< why a ref that exists holds no record; empty otherwise
};

/// One promotion (or rollback) of an environment's history.
struct HistoryEntry {
  std::uint64_t seq = 0;        ///< the entry's sequence number (its ref's last component)
  std::string ref;              ///< refs/pipewright/history/<env>/<seq>
  git::PromotionRecord record;  ///< what its tag object records
};

/// Reads the state ref of an environment; a missing ref is an empty state, not a failure.
Result<EnvironmentState, git::GitFailure> read_environment_state(
    const git::Repository& repository, std::string_view environment,
    const std::optional<std::string>& git_tag);

/// The history entries of an environment, oldest first (by sequence number); fails naming the
/// ref whose name is not a sequence number or whose tag object is not a promotion record.
Result<std::vector<HistoryEntry>, git::GitFailure> read_history(const git::Repository& repository,
                                                                std::string_view environment);

/// One row of `pipewright status`: an environment and what it holds, with the test summary
/// of the artifact of that commit when known (null otherwise).
struct StatusRow {
  std::string environment;
  std::optional<git::PromotionRecord> record;  ///< nullopt: holds nothing yet
  std::string problem;                         ///< why a state ref holds no record, if so
  nlohmann::json tests;                        ///< the artifact's test summary, or null
};

/// "3/3 jobs passed, 12 tests passed" from a run summary ({"totals": ...}); "" for null.
std::string format_tests_summary(const nlohmann::json& tests);

/// "sha256:<first 12 hex>" for a sha256 digest; other text unchanged. Pure.
std::string short_digest(std::string_view digest);

/// The status table: a header and one aligned row per environment in the given order, "—" in
/// every column of an environment that holds nothing yet; each line ends in '\n'. Pure.
std::string render_status(const std::vector<StatusRow>& rows);

/// The status as JSON: [{"environment", "commit", "digest", "when", "who", "from", "run",
/// "tests", "problem"}]; null values for an environment that holds nothing. Pure.
nlohmann::json status_json(const std::vector<StatusRow>& rows);

/// The history table of environment, entries in the order given (callers pass newest first):
/// seq, commit (12), digest, when, who, from; a line saying so when there are none. Pure.
std::string render_history(std::string_view environment, const std::vector<HistoryEntry>& entries);

/// The history as JSON: {"environment", "entries": [{"seq", "commit", "digest",
/// "previous_commit", "when", "who", "from", "run"}]} in the order given. Pure.
nlohmann::json history_json(std::string_view environment, const std::vector<HistoryEntry>& entries);

}  // namespace pw::release
