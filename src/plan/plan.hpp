#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan/flow_select.hpp"
#include "spec/model.hpp"

// What a pipeline would do for a git ref or for jobs named on the command line: the images to
// build first, the jobs in dependency levels, the release and the promotion. Pure: computed
// from the spec alone.

namespace pw {

/// One job in a plan and why it is there.
struct PlannedJob {
  std::string name;
  std::vector<std::string> needs;  ///< direct needs (all in the plan)
  std::string place;               ///< image name, or "host"
  std::vector<std::string> services;
  std::string reason;  ///< "in flow 'x'", "needed by 'y'", "verifies 'staging'"
};

/// The whole plan.
struct Plan {
  std::optional<GitRefName> ref;                ///< the ref the flow was chosen for, if any
  const spec::Flow* flow = nullptr;             ///< the chosen flow; null for explicit job lists
  std::vector<std::string> images;              ///< images to build, in spec order
  std::vector<std::vector<PlannedJob>> levels;  ///< each level needs only earlier ones
  bool release = false;                         ///< build, push and record the release image
  std::optional<std::string> promote;           ///< environment to promote to
  std::vector<std::string> verify;              ///< jobs verifying the promotion (after deploy)
};

/// The plan for the flow that matches ref; a plan with no flow and no jobs when none matches.
Plan plan_for_ref(const spec::Spec& spec, const GitRefName& ref);

/// The plan that runs the named jobs (every job when empty) and everything they need.
/// Precondition: every name is a job of the spec.
Plan plan_for_jobs(const spec::Spec& spec, const std::vector<std::string>& jobs);

/// Every job of the plan, level by level (a valid execution order).
std::vector<const PlannedJob*> jobs_in_order(const Plan& plan);

}  // namespace pw
