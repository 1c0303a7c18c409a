#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "plan/plan.hpp"

// Runs the jobs of a plan in dependency order, up to N at once. Pure policy over an executor
// interface, so ordering, parallelism and failure handling are unit-tested with a fake.

namespace pw::run {

/// How a job ended.
enum class JobOutcome { passed, failed, timed_out, cancelled, cached, skipped };

/// Whether a failure stops the run.
enum class FailurePolicy { fail_fast, keep_going };

/// True for outcomes that let dependent jobs run.
constexpr bool succeeded(JobOutcome o) {
  return o == JobOutcome::passed || o == JobOutcome::cached;
}

/// Executes one job; called from several threads at once.
class JobExecutor {
 public:
  virtual ~JobExecutor() = default;
  /// Runs job to completion. stop becomes true when the run is being stopped (fail-fast or
  /// interruption): the job should end as soon as it can and report cancelled.
  virtual JobOutcome execute(const PlannedJob& job, const std::atomic<bool>& stop) = 0;
  /// Called for a job that will not run: failed_need names the need that did not succeed, or
  /// is empty when the run was stopped. Called with the scheduler's lock held: do not block.
  virtual void skipped(const PlannedJob& job, const std::string& failed_need) = 0;
};

/// How to schedule.
struct ScheduleOptions {
  int parallelism = 1;  ///< at most this many jobs at once (≥ 1)
  FailurePolicy policy = FailurePolicy::fail_fast;
  const std::atomic<bool>* interrupt = nullptr;  ///< external stop (Ctrl-C)
};

/// Runs every job of plan; returns each job's outcome. With fail_fast the first failure stops
/// jobs that are running (they report cancelled) and starts no new one (those are skipped).
std::map<std::string, JobOutcome> run_schedule(const Plan& plan, JobExecutor& executor,
                                               const ScheduleOptions& options);

}  // namespace pw::run
