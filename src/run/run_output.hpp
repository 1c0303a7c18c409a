#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/junit.hpp"
#include "run/scheduler.hpp"

// What a run tells the outside while it goes, already masked. Implemented by the CLI.

namespace pw::run {

/// The result of one job.
struct JobRecord {
  std::string name;
  JobOutcome outcome = JobOutcome::skipped;
  std::chrono::milliseconds duration{0};
  int exit_code = -1;
  std::string note;                          ///< "exit code 2", "needs 'unit' which failed", ...
  std::optional<report::TestCounts> tests;   ///< from its JUnit reports, when it wrote any
  std::vector<std::filesystem::path> junit;  ///< its JUnit files
  std::filesystem::path log;
};

/// Receives a run's progress.
class RunOutput {
 public:
  virtual ~RunOutput() = default;
  /// A job starts.
  virtual void job_started(const std::string& job) = 0;
  /// One masked line of a job's output.
  virtual void job_line(const std::string& job, std::string_view line) = 0;
  /// A job ended (any outcome, skipped included).
  virtual void job_finished(const JobRecord& record) = 0;
  /// A masked message about something else (a service, cleanup).
  virtual void message(const std::string& source, const std::string& text) = 0;
};

}  // namespace pw::run
