#pragma once

#include <vector>

#include "report/summary.hpp"
#include "run/run_output.hpp"

namespace pw::run {

/// The rows of a run's summary table (and JSON), one per job record, in the given order.
std::vector<report::JobSummary> summarize(const std::vector<JobRecord>& jobs);

}  // namespace pw::run
