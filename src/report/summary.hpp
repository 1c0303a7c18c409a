#pragma once

#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/junit.hpp"

// The table printed at the end of a run (and its JSON twin for --json and CI job summaries):
// one row per job with its status, duration, test counts and a short note on why it ended so.

namespace pw::report {

/// How one job of a run ended, for the final summary.
struct JobSummary {
  /// The job's outcome.
  enum class Status { passed, failed, timed_out, skipped, cached, cancelled };

  std::string name;                       ///< the job's name
  Status status = Status::passed;         ///< how it ended
  std::chrono::milliseconds duration{0};  ///< how long it ran (ignored when skipped)
  std::optional<TestCounts> tests;        ///< from its JUnit reports, when it has any
  std::string note;  ///< why, briefly: "exit code 2", "needs 'unit' which failed"
};

/// Whether rendered text carries ANSI colors (the caller decides: terminal, NO_COLOR, flags).
enum class Color { never, always };

/// The status as shown to people: "passed", "timed out", ...
std::string_view status_text(JobSummary::Status status);

/// "12 passed, 1 failed, 1 error, 2 skipped": passed always, the others only when non-zero.
std::string format_test_counts(const TestCounts& counts);

/// The aligned table (header, one row per job in the given order, a totals line), each line
/// ending in '\n'.
std::string render_summary_table(const std::vector<JobSummary>& jobs, Color color);

/// The same content as JSON: {"jobs": [...], "totals": {...}}; durations in milliseconds.
nlohmann::json summary_json(const std::vector<JobSummary>& jobs);

}  // namespace pw::report
