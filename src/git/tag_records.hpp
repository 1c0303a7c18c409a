#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "git/failure.hpp"
#include "git/repository.hpp"

// The environments' git tags (`Staging`, `Production`) as annotated, attributable records:
// reading a tag, moving it with compare-and-swap on the value the caller last saw, and the
// machine-readable record each tag object carries in its message. A lost race is a distinct
// failure (TagMoveError::conflict) so the caller can say "moved from X to Y" and stop.

namespace pw::git {

/// Who made a tag or a note: git's name and email, and a time (now when unset).
struct Identity {
  std::string name;
  std::string email;
  std::optional<std::int64_t> when_seconds;  ///< seconds since the epoch; nullopt: now
  int utc_offset_minutes = 0;                ///< used only with when_seconds
};

/// The repository's own identity (user.name / user.email from git config, as `git tag` uses).
Result<Identity, GitFailure> default_identity(const Repository& repository);

/// What an environment's tag records: one promotion.
struct PromotionRecord {
  std::string environment;      ///< "staging"
  std::string commit;           ///< the full oid the tag points to
  std::string digest;           ///< the image digest promoted ("sha256:…")
  std::string previous_commit;  ///< the commit the tag held before; empty on the first move
  std::string from;             ///< the environment promoted from; empty when none
  std::string who;              ///< the person or CI user who promoted
  std::string when;             ///< RFC 3339 UTC time of the promotion
  std::string run;              ///< pipewright run id; may be empty
  std::string approved_by;      ///< who approved the promotion; empty when none was needed
  bool operator==(const PromotionRecord&) const = default;
};

/// The tag message for a record: a human first line, a blank line, then `Key: value` trailer
/// lines (`git interpret-trailers --parse` reads them). Fails when a required field
/// (environment, commit, digest, who, when) is empty or any value holds a control character,
/// so no value can forge another line.
Result<std::string, GitFailure> format_record(const PromotionRecord& record);

/// The record in a tag message written by format_record; fails with the reason when the
/// message is not such a record (missing or repeated key, unknown record version).
Result<PromotionRecord, GitFailure> parse_record(std::string_view message);

/// Whether refs/tags/<name> holds an annotated tag object or points straight at a commit.
enum class TagKind { annotated, lightweight };

/// What refs/tags/<name> holds now.
struct TagState {
  std::string ref_value;      ///< the oid the ref holds (the tag object when annotated)
  std::string target_commit;  ///< the commit it peels to
  std::string message;        ///< the tag object's message; empty when lightweight
  TagKind kind = TagKind::annotated;
};

/// The state of tag `name`, or nullopt when refs/tags/<name> does not exist.
Result<std::optional<TagState>, GitFailure> read_tag(const Repository& repository,
                                                     std::string_view name);

/// The state of any ref holding a tag object or a commit (e.g. "refs/pipewright/env/dev"),
/// or nullopt when the ref does not exist. `ref_name` must start with "refs/".
Result<std::optional<TagState>, GitFailure> read_ref_state(const Repository& repository,
                                                           std::string_view ref_name);

/// The value a tag must hold for a move to go ahead: there is no "whatever it is" choice,
/// every move is a compare-and-swap.
class ExpectedRef {
 public:
  /// The ref must not exist (the first promotion to an environment).
  static ExpectedRef absent() { return ExpectedRef(std::nullopt); }
  /// The ref must hold exactly this full hex oid (TagState::ref_value as read).
  static ExpectedRef at(std::string oid) { return ExpectedRef(std::move(oid)); }
  /// The expected oid; nullopt when the ref must be absent.
  const std::optional<std::string>& oid() const { return oid_; }

 private:
  explicit ExpectedRef(std::optional<std::string> oid) : oid_(std::move(oid)) {}
  std::optional<std::string> oid_;
};

/// Why a tag move failed: lost the compare-and-swap (someone else moved the tag), or an
/// ordinary failure (bad name, unknown commit, unwritable repository).
enum class TagMoveError { conflict, failed };

/// A failed move; for a conflict the message reads "tag Staging moved from X to Y …".
struct TagMoveFailure {
  TagMoveError kind = TagMoveError::failed;
  std::string message;
};

/// Writes an annotated tag object `name` → `target` (any revspec naming a commit) with
/// `message` and `tagger`, then points refs/tags/<name> at it only if the ref still holds
/// `expected` (checked under libgit2's ref lock). Returns the new tag object's oid. On a
/// conflict nothing visible changes (the unreferenced tag object is left for git gc).
Result<std::string, TagMoveFailure> move_tag(const Repository& repository, std::string_view name,
                                             std::string_view target, const std::string& message,
                                             const Identity& tagger, const ExpectedRef& expected);

/// Like move_tag, but for any ref: writes an annotated tag object named `tag_name` → `target`
/// and points `ref_name` (starting with "refs/") at it only if the ref still holds `expected`.
/// Returns the new tag object's oid; conflict messages name `display` ("tag Staging").
Result<std::string, TagMoveFailure> move_ref(const Repository& repository,
                                             std::string_view ref_name, std::string_view tag_name,
                                             std::string_view target, const std::string& message,
                                             const Identity& tagger, const ExpectedRef& expected,
                                             std::string_view display);

/// Points `ref_name` at the existing object `oid` (a tag object or a commit) only if the ref
/// still holds `expected` (compare-and-swap; ExpectedRef::absent() creates it, never
/// overwrites). A lost race is TagMoveError::conflict naming `display`.
Result<void, TagMoveFailure> set_ref(const Repository& repository, std::string_view ref_name,
                                     std::string_view oid, const ExpectedRef& expected,
                                     std::string_view display);

/// Deletes `ref_name` only if it still holds `expected_oid` (compare-and-swap); a lost race is
/// TagMoveError::conflict naming `display`.
Result<void, TagMoveFailure> remove_ref(const Repository& repository, std::string_view ref_name,
                                        std::string_view expected_oid, std::string_view display);

/// One ref and the oid it holds.
struct RefEntry {
  std::string name;   ///< full name, "refs/pipewright/history/staging/000001"
  std::string value;  ///< full hex oid
  bool operator==(const RefEntry&) const = default;
};

/// Every ref whose name starts with `prefix` (e.g. "refs/pipewright/history/staging/"),
/// sorted by name.
Result<std::vector<RefEntry>, GitFailure> list_refs(const Repository& repository,
                                                    std::string_view prefix);

}  // namespace pw::git
