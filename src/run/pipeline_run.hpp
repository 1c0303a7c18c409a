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
  std::vector<std::string> jobs;  ///< empty: every job
  int parallelism = 1;
  FailurePolicy policy = FailurePolicy::fail_fast;
  bool use_cache = true;
  build::Source source = build::Source::commit;
  /// Image name → image reference used instead of building it (e.g. "release" → the promoted
  /// "host/repo@sha256:…"); the container runtime pulls it by reference.
  std::map<std::string, std::string> image_overrides;
};

/// How a run went.
struct RunReport {
  std::string run_id;
  std::filesystem::path run_dir;
  std::vector<JobRecord> jobs;              ///< in plan order
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

/// Runs the pipeline; throws the typed errors of core/error.hpp for what stops it early
/// (invalid names, secrets, daemon, build), and InterruptedError after cleaning up when
/// interrupted.
RunReport run_pipeline(const spec::Spec& spec, git::Repository& repository,
                       const RunRequest& request, const RunAdapters& adapters);

}  // namespace pw::run
