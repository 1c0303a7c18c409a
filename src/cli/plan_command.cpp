#include <iostream>

#include "cli/commands.hpp"
#include "cli/plan_render.hpp"
#include "core/error.hpp"
#include "git/changes_since.hpp"
#include "git/repository.hpp"
#include "plan/plan.hpp"
#include "plan/selection.hpp"

namespace pw::cli {
namespace {

struct PlanOptions {
  std::string branch;
  std::string tag;
  std::vector<std::string> jobs;
  std::string changed_since;
  bool json = false;
};

// HEAD's changes against the merge base with ref.
ChangeSet changes_of_head(const spec::Spec& spec, const std::string& ref) {
  auto repo = git::Repository::discover(spec.root);
  if (!repo)
    throw GitError(repo.error().message);
  auto changes = git::changes_since(repo.value(), "HEAD", ref);
  if (!changes)
    throw GitError(changes.error().message);
  return std::move(changes).value();
}

// The branch checked out in the spec's repository; plan needs a name to pick a flow.
GitRefName current_ref(const spec::Spec& spec) {
  auto repo = git::Repository::discover(spec.root);
  if (!repo)
    throw UsageError("cannot tell the current branch (" + repo.error().message +
                     "); pass --branch NAME");
  auto branch = repo.value().current_branch();
  if (!branch)
    throw UsageError("cannot tell the current branch (" + branch.error().message +
                     "); pass --branch NAME");
  if (!branch.value())
    throw UsageError("HEAD is detached; pass --branch NAME or --tag NAME");
  return GitRefName{spec::RefKind::branch, *branch.value()};
}

void run_plan(const GlobalOptions& global, const PlanOptions& options) {
  const spec::Spec spec = load_spec(global);
  Plan plan;
  if (!options.jobs.empty()) {
    require_known(spec, NameKind::job, options.jobs);
    plan = plan_for_jobs(spec, options.jobs);
  } else if (!options.tag.empty()) {
    plan = plan_for_ref(spec, {spec::RefKind::tag, options.tag});
  } else if (!options.branch.empty()) {
    plan = plan_for_ref(spec, {spec::RefKind::branch, options.branch});
  } else {
    plan = plan_for_ref(spec, current_ref(spec));
  }
  if (!options.changed_since.empty())
    plan = select_changes(spec, plan, changes_of_head(spec, options.changed_since));
  if (options.json) {
    std::cout << render_plan_json(spec, plan).dump(2) << "\n";
  } else {
    std::cout << render_plan_text(spec, plan);
  }
}

}  // namespace

void add_plan_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "plan", "Show what would run: the flow for a branch or tag, or the named jobs");
  auto options = std::make_shared<PlanOptions>();
  auto* branch = cmd->add_option("--branch", options->branch,
                                 "Plan the flow for this branch (default: the current branch)");
  cmd->add_option("--tag", options->tag, "Plan the flow for this git tag")->excludes(branch);
  cmd->add_option("jobs", options->jobs, "Plan these jobs and what they need, instead of a flow");
  cmd->add_option("--changed-since,--base", options->changed_since,
                  "Select jobs by what HEAD changed since its merge base with this ref (paths:)");
  cmd->add_flag("--json", options->json, "Print the plan as JSON");
  cmd->footer(
      "The first flow whose branch or tag patterns match is chosen ('*' stays within one\n"
      "path segment, '**' crosses '/'). Jobs are listed by level: a level needs only earlier\n"
      "levels. With --changed-since REF, a job (or its image) with paths: runs only when a file\n"
      "under them changed between the merge base of HEAD and REF and HEAD; every job says why\n"
      "it runs, and the jobs left out say why not.\n"
      "Exit status: 0, or 3 for an invalid spec, 2 for a bad command line, 8 for git.");
  cmd->callback([&global, options] { run_plan(global, *options); });
}

}  // namespace pw::cli
