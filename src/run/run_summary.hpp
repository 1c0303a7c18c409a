#pragma once

#include <vector>

#include "core/error.hpp"
#include "report/summary.hpp"
#include "run/run_output.hpp"

namespace pw::run {

/// The rows of a run's summary table (and JSON), one per job record, in the given order.
std::vector<report::JobSummary> summarize(const std::vector<JobRecord>& jobs);

/// The error carrying a run's exit code and naming the jobs that failed or timed out, with
/// where their logs are. Precondition: exit_code is not ok.
Error verdict_error(ExitCode exit_code, const std::vector<JobRecord>& jobs,
                    const std::filesystem::path& run_dir);

}  // namespace pw::run
