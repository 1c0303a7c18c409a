#include "cli/run_console.hpp"

#include "util/duration.hpp"

namespace pw::cli {

std::string outcome_name(run::JobOutcome outcome) {
  switch (outcome) {
    case run::JobOutcome::passed:
      return "passed";
    case run::JobOutcome::failed:
      return "failed";
    case run::JobOutcome::timed_out:
      return "timed out";
    case run::JobOutcome::cancelled:
      return "cancelled";
    case run::JobOutcome::cached:
      return "cached";
    case run::JobOutcome::skipped:
      return "skipped";
  }
  return "unknown";
}

void ConsoleRunOutput::job_started(const std::string& job) {
  if (lines_ == Lines::shown)
    console_.status("job '" + job + "' started");
}

void ConsoleRunOutput::job_line(const std::string& job, std::string_view line) {
  if (lines_ == Lines::shown)
    console_.line(job, line);
}

void ConsoleRunOutput::job_finished(const run::JobRecord& record) {
  std::string text = "job '" + record.name + "' " + outcome_name(record.outcome);
  const bool ran =
      record.outcome != run::JobOutcome::skipped && record.outcome != run::JobOutcome::cached;
  if (ran)
    text += " in " + format_duration(record.duration);
  if (!record.note.empty())
    text += " (" + record.note + ")";
  console_.status(text);
}

void ConsoleRunOutput::message(const std::string& source, const std::string& text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    if (end > start)
      console_.line(source, std::string_view(text).substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace pw::cli
