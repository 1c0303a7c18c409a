#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan/change_set.hpp"
#include "plan/flow_select.hpp"
#include "spec/model.hpp"

// What a pipeline would do for a git ref or for jobs named on the command line: the images to
// build first, the jobs in dependency levels, the release and the promotion. Pure: computed
// from the spec alone.

namespace pw {

/// Why a job is in a plan: asked for (by the flow, the command line, a verification), or
/// only because another job of the plan needs it.
enum class Inclusion { asked, needed };

/// One job in a plan and why it is there.
struct PlannedJob {
  std::string name;
  std::vector<std::string> needs;  ///< direct needs (all in the plan)
  std::string place;               ///< image name, or "host"
  std::vector<std::string> services;
  std::string reason;  ///< "in flow 'x'", "needed by 'y'", "changed: src/a.py under src"
  Inclusion inclusion = Inclusion::asked;
};

/// A job the flow (or the command line) asked for that change selection left out, and why.
struct LeftOutJob {
  std::string name;
  std::string reason;  ///< "no changes under src, tests/unit"
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
  std::optional<ChangeSet> changes;             ///< the changes selection applied, if any
  std::vector<LeftOutJob> left_out;             ///< jobs selection left out, in plan order
};

/// Whether a plan of named jobs brings what they need along (always, except where another
/// system already ran the needs: one CI job per pipewright job, `run --only`).
enum class NeedsScope { with_needs, named_only };

/// The plan for the flow that matches ref; a plan with no flow and no jobs when none matches.
Plan plan_for_ref(const spec::Spec& spec, const GitRefName& ref);

/// The plan that runs the named jobs (every job when empty) and everything they need (with
/// NeedsScope::named_only, exactly the named jobs, ordered among themselves).
/// Precondition: every name is a job of the spec.
Plan plan_for_jobs(const spec::Spec& spec, const std::vector<std::string>& jobs,
                   NeedsScope scope = NeedsScope::with_needs);

/// The plan that runs the jobs of flow and what they need, without its release or promotion
/// (reasons "in flow 'x'").
Plan plan_for_flow_jobs(const spec::Spec& spec, const spec::Flow& flow);

/// Every job of the plan, level by level (a valid execution order).
std::vector<const PlannedJob*> jobs_in_order(const Plan& plan);

}  // namespace pw
