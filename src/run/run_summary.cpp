#include "run/run_summary.hpp"

namespace pw::run {
namespace {

report::JobSummary::Status status_of(JobOutcome outcome) {
  using S = report::JobSummary::Status;
  switch (outcome) {
    case JobOutcome::passed:
      return S::passed;
    case JobOutcome::failed:
      return S::failed;
    case JobOutcome::timed_out:
      return S::timed_out;
    case JobOutcome::cancelled:
      return S::cancelled;
    case JobOutcome::cached:
      return S::cached;
    case JobOutcome::skipped:
      return S::skipped;
  }
  return S::failed;
}

}  // namespace

std::vector<report::JobSummary> summarize(const std::vector<JobRecord>& jobs) {
  std::vector<report::JobSummary> out;
  for (const auto& job : jobs) {
    out.push_back({job.name, status_of(job.outcome), job.duration, job.tests, job.note});
  }
  return out;
}

Error verdict_error(ExitCode exit_code, const std::vector<JobRecord>& jobs,
                    const std::filesystem::path& run_dir) {
  std::string names;
  int count = 0;
  for (const auto& job : jobs) {
    if (job.outcome != JobOutcome::failed && job.outcome != JobOutcome::timed_out)
      continue;
    names += (count++ ? ", " : "") + job.name;
  }
  const std::string what = exit_code == ExitCode::timed_out ? " timed out: " : " failed: ";
  return Error(exit_code, std::to_string(count) + (count == 1 ? " job" : " jobs") + what + names +
                              " (logs in " + run_dir.string() + "/logs)");
}

}  // namespace pw::run
