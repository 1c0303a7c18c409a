#include "run/pipeline_run.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "git/repository.hpp"
#include "git/tree_export.hpp"
#include "plan/plan.hpp"
#include "plan/selection.hpp"
#include "report/junit.hpp"
#include "run/job_cache.hpp"
#include "run/job_runner.hpp"
#include "run/run_resources.hpp"
#include "run/run_summary.hpp"
#include "run/services.hpp"
#include "secret/masker.hpp"
#include "secret/secret_store.hpp"
#include "spec/load.hpp"
#include "spec/variables.hpp"
#include "state/run_records.hpp"
#include "state/state_dir.hpp"
#include "util/temp_dir.hpp"

namespace pw::run {
namespace {

// Every secret the planned jobs and their services use, resolved now: a missing one stops
// the run before anything starts, and every value is known to the masker from the start.
std::vector<std::string> resolve_secrets(const spec::Spec& spec, const Plan& plan,
                                         secret::SecretStore& store) {
  std::set<std::string> names;
  std::set<std::string> services;
  for (const auto* planned : jobs_in_order(plan)) {
    const spec::Job* job = spec.find_job(planned->name);
    for (const auto& s : job->secrets)
      names.insert(s.value);
    for (const auto& [key, value] : job->env) {
      for (auto& n : spec::secret_references(value.value))
        names.insert(n);
    }
    for (const auto& s : job->services)
      services.insert(s.value);
  }
  for (const auto& name : services) {
    const spec::Service* service = spec.find_service(name);
    for (const auto& s : service->secrets)
      names.insert(s.value);
    for (const auto& [key, value] : service->env) {
      for (auto& n : spec::secret_references(value.value))
        names.insert(n);
    }
  }
  std::vector<std::string> values;
  for (const auto& name : names)
    values.push_back(store.value(name));
  return values;
}

std::map<std::string, std::string> build_images(const spec::Spec& spec, const Plan& plan,
                                                git::Repository& repository,
                                                secret::SecretStore& secrets,
                                                const RunRequest& request,
                                                const RunAdapters& adapters,
                                                const std::filesystem::path& state) {
  std::map<std::string, std::string> ids;
  if (plan.images.empty())
    return ids;
  build::ImageBuilder builder(spec, repository, adapters.engine, secrets, adapters.build_reporter);
  const auto built = builder.build(
      {plan.images, request.source, state / "logs", &interrupt_flag(), request.commit});
  state::record_images(state, built.front().commit, built);
  for (const auto& image : built)
    ids[image.name] = image.image_id;
  return ids;
}

ExitCode exit_code_of(const std::vector<JobRecord>& records) {
  bool failed = false, timed_out = false;
  for (const auto& r : records) {
    failed = failed || r.outcome == JobOutcome::failed;
    timed_out = timed_out || r.outcome == JobOutcome::timed_out;
  }
  if (failed)
    return ExitCode::job_failed;
  if (timed_out)
    return ExitCode::timed_out;
  return ExitCode::ok;
}

// Records in plan order (the runner has them in the order they ended).
std::vector<JobRecord> in_plan_order(const Plan& plan, std::vector<JobRecord> records) {
  std::vector<JobRecord> ordered;
  for (const auto* planned : jobs_in_order(plan)) {
    for (auto& r : records) {
      if (r.name == planned->name)
        ordered.push_back(std::move(r));
    }
  }
  return ordered;
}

void merge_reports(RunReport& report, RunOutput& output) {
  std::vector<std::pair<std::string, std::filesystem::path>> files;
  for (const auto& job : report.jobs) {
    for (const auto& file : job.junit)
      files.emplace_back(job.name, file);
    if (job.tests) {
      report::TestCounts total = report.tests.value_or(report::TestCounts{});
      total += *job.tests;
      report.tests = total;
    }
  }
  if (files.empty())
    return;
  report.junit = report.run_dir / "junit.xml";
  auto merged = report::merge_junit(files, report.junit);
  if (!merged) {
    output.message("reports", "could not merge JUnit reports: " + merged.error());
    report.junit.clear();
    return;
  }
  for (const auto& problem : merged.value().problems)
    output.message("reports", problem);
}

bool has_host_jobs(const spec::Spec& spec, const Plan& plan) {
  for (const auto* planned : jobs_in_order(plan)) {
    const spec::Job* job = spec.find_job(planned->name);
    if (job != nullptr && job->place == spec::JobPlace::host)
      return true;
  }
  return false;
}

// Whether the run touches Docker at all: a pipeline of host jobs runs without a daemon.
bool uses_docker(const spec::Spec& spec, const Plan& plan) {
  if (!plan.images.empty())
    return true;
  for (const auto* planned : jobs_in_order(plan)) {
    const spec::Job* job = spec.find_job(planned->name);
    if (job == nullptr || job->place == spec::JobPlace::container || !job->services.empty())
      return true;
  }
  return false;
}

}  // namespace

Plan request_plan(const spec::Spec& spec, const RunRequest& request) {
  Plan plan = request.flow ? plan_for_flow_jobs(spec, *request.flow)
                           : plan_for_jobs(spec, request.jobs, request.needs);
  if (request.changes)
    plan = select_changes(spec, plan, *request.changes);
  return plan;
}

std::map<std::string, std::string> job_input_ids(const spec::Spec& spec, const Plan& plan,
                                                 git::Repository& repository,
                                                 const std::string& commit, HostTree host_tree) {
  std::map<std::string, std::string> inputs;
  if (commit.empty())
    return inputs;
  for (const auto* planned : jobs_in_order(plan)) {
    const spec::Job* job = spec.find_job(planned->name);
    // Host jobs see the working copy: when it differs from HEAD nothing about them is known.
    if (job->place == spec::JobPlace::host && host_tree == HostTree::dirty)
      continue;
    std::string text;
    if (job->paths.empty() && job->place == spec::JobPlace::host) {
      text = value_or(repository.tree_id(commit, ""), std::string());
    }
    for (const auto& path : job->paths) {
      text += path.value + "=" +
              value_or(repository.tree_id(commit, path.value), std::string("absent")) + ";";
    }
    inputs[job->name] = text;
  }
  return inputs;
}

std::map<std::string, std::string> run_base_environment(const spec::Spec& spec,
                                                        const std::string& run_id,
                                                        const std::string& commit) {
  std::map<std::string, std::string> env;
  for (const auto& [name, value] : spec.variables)
    env[name] = value.value;
  env["PIPEWRIGHT_RUN_ID"] = run_id;
  env["PIPEWRIGHT_COMMIT"] = commit;
  env["PIPEWRIGHT_PROJECT"] = spec.name;
  return env;
}

RunReport run_pipeline(const spec::Spec& spec, git::Repository& repository,
                       const RunRequest& request, const RunAdapters& adapters) {
  if (request.commit && request.source == build::Source::working_copy)
    throw UsageError("a run of the working copy cannot also be a run at a given commit");
  // 1. plan: the named jobs (or the flow's) and everything they need, narrowed to what changed
  Plan plan = request_plan(spec, request);
  for (const auto& left : plan.left_out)
    adapters.output.message("select", "not selected: " + left.name + " (" + left.reason + ")");
  //    images given by reference (a promoted digest) are used as they are, never rebuilt
  std::erase_if(plan.images,
                [&](const std::string& name) { return request.image_overrides.contains(name); });
  // 2. remove what killed runs left behind (never a live run's objects)
  //    (a pipeline of host jobs needs no daemon: without one there is nothing to sweep)
  SweepResult swept;
  if (uses_docker(spec, plan)) {
    swept = sweep_dead_runs(adapters.runtime);
  } else {
    try {
      swept = sweep_dead_runs(adapters.runtime);
    } catch (const InfrastructureError&) {
    }
  }
  if (swept.containers + swept.networks > 0) {
    adapters.output.message("clean", "removed " + std::to_string(swept.containers) +
                                         " containers and " + std::to_string(swept.networks) +
                                         " networks left by interrupted runs");
  }
  // 3. secrets: all resolved up front, all masked everywhere
  secret::SecretStore secrets(spec, spec::process_environment(), spec.root);
  const secret::Masker masker(resolve_secrets(spec, plan, secrets));
  // 4. images, built from the committed tree (or found up to date)
  const auto state = state::ensure_state_dir(spec.root);
  std::map<std::string, std::string> image_ids;
  try {
    image_ids = build_images(spec, plan, repository, secrets, request, adapters, state);
  } catch (const Error&) {
    throw_if_interrupted();  // a build stopped by Ctrl-C reports the interruption
    throw;
  }
  for (const auto& [name, reference] : request.image_overrides)
    image_ids[name] = reference;
  throw_if_interrupted();
  // 5. jobs, in dependency order, with their services, on a private network
  const RunIdentity identity = new_run_identity();
  RunReport report;
  report.run_id = identity.run_id;
  report.run_dir = state / "runs" / identity.run_id;
  std::string commit;
  if (request.commit) {
    auto resolved = repository.resolve(*request.commit);
    if (!resolved)
      throw GitError(resolved.error().message);
    commit = resolved.value();
  } else {
    commit = value_or(repository.head_commit(), std::string());
  }
  report.commit = commit;
  report.left_out = plan.left_out;
  // At a given commit host jobs run in a clean export of it, never in the working copy.
  const bool dirty = request.commit ? false : value_or(repository.status_dirty(), true);
  std::optional<TempDir> export_dir;
  std::filesystem::path host_root = spec.root;
  if (request.commit && has_host_jobs(spec, plan)) {
    export_dir.emplace("pipewright-commit");
    host_root = export_dir->path() / "tree";
    if (auto exported = git::export_tree(repository, commit, host_root); !exported)
      throw GitError(exported.error().message);
  }
  std::map<std::string, std::string> base_env = run_base_environment(spec, identity.run_id, commit);
  for (const auto& [name, value] : request.extra_env)
    base_env[name] = value;
  JobEnvironment environment{
      spec,
      host_root,
      report.run_dir,
      image_ids,
      std::move(base_env),
      job_input_ids(spec, plan, repository, commit, dirty ? HostTree::dirty : HostTree::clean),
      [&secrets](std::string_view name) { return secrets.value(std::string(name)); }};
  const JobCache cache(state / "cache" / "jobs");
  {
    RunResources resources(adapters.runtime, identity);
    ServicePool services(
        spec, resources, adapters.runtime, image_ids,
        [&](const spec::Service& service) {
          std::map<std::string, std::string> env;
          for (const auto& [name, value] : service.env) {
            env[name] = spec::substitute_secrets(value.value, environment.secret);
          }
          for (const auto& s : service.secrets)
            env[s.value] = secrets.value(s.value);
          return env;
        },
        [&](const std::string& service, const std::string& text) {
          adapters.output.message(service, masker.mask(text));
        });
    JobRunner runner(environment, resources, adapters.runtime, adapters.processes, services,
                     request.use_cache ? &cache : nullptr, masker, adapters.output);
    run_schedule(plan, runner, {request.parallelism, request.policy, &interrupt_flag()});
    report.jobs = in_plan_order(plan, runner.records());
    // 6. cleanup, always (also on the way out of an exception, by RunResources' destructor)
    if (const std::string problems = resources.release(); !problems.empty()) {
      adapters.output.message("clean", "could not remove everything: " + problems);
    }
  }
  // 7. reports and the verdict
  merge_reports(report, adapters.output);
  throw_if_interrupted();
  report.exit_code = exit_code_of(report.jobs);
  // 8. the evidence: what this run proved about the commit (release attaches it)
  state::record_run(state,
                    {report.run_id, commit, request.source == build::Source::commit && !dirty,
                     report.exit_code == ExitCode::ok && !report.jobs.empty(),
                     report::summary_json(summarize(report.jobs))});
  return report;
}

}  // namespace pw::run
