#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "build/image_builder.hpp"
#include "core/exit_code.hpp"
#include "docker/container_runtime.hpp"
#include "docker/docker_engine.hpp"
#include "plan/change_set.hpp"
#include "plan/plan.hpp"
#include "proc/process.hpp"
#include "run/run_output.hpp"
#include "run/scheduler.hpp"

// `pipewright run`: the named jobs and what they need, inside the images just built, with
// their services, in parallel, leaving nothing behind.

namespace pw::git {
class Repository;
}

namespace pw::run {

/// What to run and how.
struct RunRequest {
  std::vector<std::string> jobs;  ///< empty: every job (unless flow is set)
  /// Whether the named jobs bring their needs along (named_only: another system ran them).
  NeedsScope needs = NeedsScope::with_needs;
  /// When set, the jobs of this flow (and what they need) instead of jobs; never its release
  /// or promotion.
  const spec::Flow* flow = nullptr;
  /// Monorepo selection (plan/selection.hpp): only the jobs whose paths changed, and what
  /// they need; nullopt: every planned job.
  std::optional<ChangeSet> changes = std::nullopt;
  /// The commit to run at (any revspec): images built from its tree, host jobs run in a clean
  /// export of it (a temporary directory), cache keys from it. nullopt: HEAD, host jobs in
  /// the working copy. Not with Source::working_copy.
  std::optional<std::string> commit = std::nullopt;
  int parallelism = 1;
  FailurePolicy policy = FailurePolicy::fail_fast;
  bool use_cache = true;
  build::Source source = build::Source::commit;
  /// Image name → image reference used instead of building it (e.g. "release" → the promoted
  /// "host/repo@sha256:…"); the container runtime pulls it by reference.
  std::map<std::string, std::string> image_overrides;
  /// Environment values every job gets on top of pipewright's own (e.g. what a verify run
  /// verifies: PIPEWRIGHT_ENVIRONMENT, PIPEWRIGHT_IMAGE); they win over those of the same name.
  std::map<std::string, std::string> extra_env;
};

/// How a run went.
struct RunReport {
  std::string run_id;
  std::filesystem::path run_dir;
  std::string commit;                       ///< the commit the run was at (full oid)
  std::vector<JobRecord> jobs;              ///< in plan order
  std::vector<LeftOutJob> left_out;         ///< jobs change selection did not run, and why
  std::optional<report::TestCounts> tests;  ///< over every job's JUnit reports
  std::filesystem::path junit;              ///< merged JUnit file (empty when no reports)
  ExitCode exit_code = ExitCode::ok;
};

/// The adapters a run uses.
struct RunAdapters {
  docker::DockerEngine& engine;
  docker::ContainerRuntime& runtime;
  proc::ProcessRunner& processes;
  build::BuildReporter& build_reporter;
  RunOutput& output;
};

/// Whether a run's host jobs see a working copy that differs from its commit.
enum class HostTree { clean, dirty };

/// The plan a request runs: its flow's jobs or its named jobs, narrowed by its changes.
Plan request_plan(const spec::Spec& spec, const RunRequest& request);

/// Content ids of each planned job's declared inputs at commit (the job cache's `inputs`); a
/// job missing from the map is never cached (a host job over a dirty tree).
std::map<std::string, std::string> job_input_ids(const spec::Spec& spec, const Plan& plan,
                                                 git::Repository& repository,
                                                 const std::string& commit, HostTree host_tree);

/// What every job of a run gets in its environment: the spec's variables and PIPEWRIGHT_*.
std::map<std::string, std::string> run_base_environment(const spec::Spec& spec,
                                                        const std::string& run_id,
                                                        const std::string& commit);

/// Runs the pipeline; throws the typed errors of core/error.hpp for what stops it early
/// (invalid names, secrets, daemon, build), and InterruptedError after cleaning up when
/// interrupted.
RunReport run_pipeline(const spec::Spec& spec, git::Repository& repository,
                       const RunRequest& request, const RunAdapters& adapters);

}  // namespace pw::run
