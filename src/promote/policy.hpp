#pragma once

#include <optional>
#include <string>
#include <vector>

// The promotion policy, pure: may commit C go to environment E? Everything it looks at is
// passed in as plain values (read from git and the spec by the caller), so that every rule is
// unit-tested without a repository.

namespace pw::promote {

/// Whether the `from` rule applies: a promotion checks it, a rollback to the environment's own
/// history does not.
enum class FromCheck { enforce, skip };

/// What the policy decides on.
struct PolicyInput {
  std::string environment;                 ///< "production"
  std::string commit;                      ///< full oid being promoted
  bool has_artifact = false;               ///< the commit has a release artifact note
  std::optional<std::string> from;         ///< the environment promotion must come from
  std::optional<std::string> from_commit;  ///< what `from` holds now; nullopt: nothing yet
  FromCheck from_check = FromCheck::enforce;
  bool approval_required = false;
  std::vector<std::string> approvers;      ///< empty: anyone may approve
  std::optional<std::string> approved_by;  ///< --approved-by
};

/// Every rule the input breaks, each saying what is missing and what would fix it; empty when
/// the promotion may go ahead.
std::vector<std::string> policy_refusals(const PolicyInput& input);

}  // namespace pw::promote
