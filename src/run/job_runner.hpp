#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "docker/container_runtime.hpp"
#include "proc/process.hpp"
#include "run/job_cache.hpp"
#include "run/run_output.hpp"
#include "run/run_resources.hpp"
#include "run/scheduler.hpp"
#include "run/services.hpp"
#include "secret/masker.hpp"
#include "spec/model.hpp"

// Runs one job: in a container of its image (`sh -c RUN`) or on the host, with its
// environment and secrets as environment values (never on a command line), its output
// masked, prefixed and logged, a timeout that kills the container, and its JUnit reports.

namespace pw::run {

/// What every job of a run shares.
struct JobEnvironment {
  const spec::Spec& spec;
  std::filesystem::path root;                     ///< repository root: host jobs run here
  std::filesystem::path run_dir;                  ///< logs/ and reports/<job>/ live here
  std::map<std::string, std::string> image_ids;   ///< spec image name → image id
  std::map<std::string, std::string> base_env;    ///< PIPEWRIGHT_* and the spec's variables
  std::map<std::string, std::string> job_inputs;  ///< job → content ids of its declared inputs
  std::function<std::string(std::string_view)> secret;  ///< secret name → value
};

/// A job's environment: base_env, its env (secret placeholders substituted) and secrets, and
/// PIPEWRIGHT_JOB.
std::map<std::string, std::string> job_environment(
    const spec::Job& job, const std::map<std::string, std::string>& base_env,
    const std::function<std::string(std::string_view)>& secret);

/// What the job cache keys a job on: place from image_ids (image name → id, or any stable
/// stand-in such as an inputs key), inputs from job_inputs, env without the run's own names.
JobCacheInputs job_cache_inputs(const spec::Spec& spec, const spec::Job& job,
                                const std::map<std::string, std::string>& env,
                                const std::map<std::string, std::string>& image_ids,
                                const std::map<std::string, std::string>& job_inputs);

/// The JobExecutor that really runs jobs.
class JobRunner final : public JobExecutor {
 public:
  /// cache may be null (--no-cache).
  JobRunner(JobEnvironment environment, RunResources& resources, docker::ContainerRuntime& runtime,
            proc::ProcessRunner& processes, ServicePool& services, const JobCache* cache,
            const secret::Masker& masker, RunOutput& output);

  JobOutcome execute(const PlannedJob& job, const std::atomic<bool>& stop) override;
  void skipped(const PlannedJob& job, const std::string& failed_need) override;

  /// Every job's record so far, in the order they ended.
  std::vector<JobRecord> records() const;

 private:
  JobRecord run_in_container(const spec::Job& job, const std::map<std::string, std::string>& env,
                             const std::filesystem::path& reports, const std::atomic<bool>& stop,
                             const proc::LineSink& sink);
  JobRecord run_on_host(const spec::Job& job, const std::map<std::string, std::string>& env,
                        const std::filesystem::path& reports, const std::atomic<bool>& stop,
                        const proc::LineSink& sink);
  void collect_reports(JobRecord& record, const spec::Job& job,
                       const std::filesystem::path& reports) const;
  JobOutcome finish(JobRecord record);

  JobEnvironment env_;
  RunResources& resources_;
  docker::ContainerRuntime& runtime_;
  proc::ProcessRunner& processes_;
  ServicePool& services_;
  const JobCache* cache_;
  const secret::Masker& masker_;
  RunOutput& output_;
  mutable std::mutex mutex_;
  std::vector<JobRecord> records_;
};

/// Where a container job finds its reports directory.
inline constexpr const char* k_container_reports = "/pipewright/reports";

}  // namespace pw::run
