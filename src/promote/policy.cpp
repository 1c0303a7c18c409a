#include "promote/policy.hpp"

#include <algorithm>

namespace pw::promote {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names)
    list += (list.empty() ? "" : ", ") + name;
  return list;
}

}  // namespace

std::vector<std::string> policy_refusals(const PolicyInput& in) {
  std::vector<std::string> refusals;
  const std::string short_commit = in.commit.substr(0, 12);
  if (!in.has_artifact) {
    refusals.push_back("commit " + short_commit +
                       " has no release artifact; run 'pipewright release' on it first");
  }
  if (in.from && in.from_check == FromCheck::enforce) {
    if (!in.from_commit) {
      refusals.push_back("'" + in.environment + "' is promoted from '" + *in.from +
                         "', which holds " + "nothing yet; run 'pipewright promote " + *in.from +
                         "' first");
    } else if (*in.from_commit != in.commit) {
      refusals.push_back("commit " + short_commit + " is not what '" + *in.from + "' holds (" +
                         in.from_commit->substr(0, 12) + "); promote it to '" + *in.from +
                         "' first, or promote " + in.from_commit->substr(0, 12));
    }
  }
  if (in.approval_required) {
    const bool named = in.approved_by && !in.approved_by->empty();
    if (!named) {
      refusals.push_back(
          "'" + in.environment + "' requires an approval; pass --approved-by NAME" +
          (in.approvers.empty() ? std::string() : " (one of: " + join(in.approvers) + ")"));
    } else if (!in.approvers.empty() && std::find(in.approvers.begin(), in.approvers.end(),
                                                  *in.approved_by) == in.approvers.end()) {
      refusals.push_back("'" + *in.approved_by + "' may not approve promotions to '" +
                         in.environment + "'; approvers: " + join(in.approvers));
    }
  }
  return refusals;
}

}  // namespace pw::promote
