#pragma once

#include "cli/console.hpp"
#include "run/run_output.hpp"

namespace pw::cli {

/// Prints a run's progress: each job's lines prefixed with its name, a line when a job starts
/// and ends.
class ConsoleRunOutput final : public run::RunOutput {
 public:
  ConsoleRunOutput(Console& console, Lines lines) : console_(console), lines_(lines) {}
  void job_started(const std::string& job) override;
  void job_line(const std::string& job, std::string_view line) override;
  void job_finished(const run::JobRecord& record) override;
  void message(const std::string& source, const std::string& text) override;

 private:
  Console& console_;
  Lines lines_;
};

/// The word for an outcome in output ("passed", "timed out", ...).
std::string outcome_name(run::JobOutcome outcome);

}  // namespace pw::cli
