#include "report/summary.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>

#include "util/duration.hpp"

namespace pw::report {
namespace {

using Status = JobSummary::Status;

// Every status, in the order the totals line lists them: good news first.
constexpr std::array k_statuses = {Status::passed,    Status::cached,    Status::failed,
                                   Status::timed_out, Status::cancelled, Status::skipped};

constexpr std::size_t k_columns = 5;
using Row = std::array<std::string, k_columns>;

// The JSON spelling of a status (a stable identifier, unlike status_text).
std::string_view status_key(Status status) {
  switch (status) {
    case Status::passed:
      return "passed";
    case Status::failed:
      return "failed";
    case Status::timed_out:
      return "timed_out";
    case Status::skipped:
      return "skipped";
    case Status::cached:
      return "cached";
    case Status::cancelled:
      return "cancelled";
  }
  return "unknown";
}

// SGR color of a status: red for what needs attention, green for what is fine.
const char* status_color(Status status) {
  switch (status) {
    case Status::passed:
    case Status::cached:
      return "32";
    case Status::failed:
    case Status::timed_out:
      return "31";
    case Status::cancelled:
      return "33";
    case Status::skipped:
      return "2";
  }
  return "0";
}

std::string paint(std::string_view text, const char* sgr, Color color) {
  if (color == Color::never)
    return std::string(text);
  return std::string("\033[") + sgr + "m" + std::string(text) + "\033[0m";
}

// "1 job" / "3 jobs", "1 error" / "2 errors".
std::string count_of(int n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

std::optional<TestCounts> total_tests(const std::vector<JobSummary>& jobs) {
  std::optional<TestCounts> total;
  for (const JobSummary& job : jobs) {
    if (!job.tests)
      continue;
    if (!total)
      total = TestCounts{};
    *total += *job.tests;
  }
  return total;
}

std::chrono::milliseconds total_duration(const std::vector<JobSummary>& jobs) {
  std::chrono::milliseconds total{0};
  for (const JobSummary& job : jobs) {
    if (job.status != Status::skipped)
      total += job.duration;
  }
  return total;
}

int count_status(const std::vector<JobSummary>& jobs, Status status) {
  return static_cast<int>(std::count_if(
      jobs.begin(), jobs.end(), [&](const JobSummary& job) { return job.status == status; }));
}

Row row_of(const JobSummary& job) {
  return {job.name, std::string(status_text(job.status)),
          job.status == Status::skipped ? "-" : format_duration(job.duration),
          job.tests ? format_test_counts(*job.tests) : "-", job.note};
}

// Pads every cell but the last to its column's width; the status cell is painted after
// padding is measured, since escape codes take no room on screen.
std::string render_row(const Row& row, const std::array<std::size_t, k_columns>& widths,
                       const char* status_sgr, Color color) {
  std::string line;
  for (std::size_t c = 0; c < k_columns; ++c) {
    const std::string& cell = row[c];
    line += c == 1 && status_sgr != nullptr ? paint(cell, status_sgr, color) : cell;
    if (c + 1 < k_columns)
      line.append(widths[c] - cell.size() + 2, ' ');
  }
  line.erase(line.find_last_not_of(' ') + 1);
  return line;
}

std::string totals_line(const std::vector<JobSummary>& jobs) {
  std::string line = count_of(static_cast<int>(jobs.size()), "job", "jobs");
  std::string separator = ": ";
  for (const Status status : k_statuses) {
    if (const int n = count_status(jobs, status); n > 0) {
      line += separator + std::to_string(n) + " " + std::string(status_text(status));
      separator = ", ";
    }
  }
  if (const auto tests = total_tests(jobs))
    line += "; tests: " + format_test_counts(*tests);
  return line + "; job time " + format_duration(total_duration(jobs)) + "\n";
}

nlohmann::json tests_json(const std::optional<TestCounts>& counts) {
  if (!counts)
    return nullptr;
  return {{"tests", counts->tests},
          {"passed", counts->passed()},
          {"failures", counts->failures},
          {"errors", counts->errors},
          {"skipped", counts->skipped}};
}

nlohmann::json job_json(const JobSummary& job) {
  return {{"name", job.name},
          {"status", std::string(status_key(job.status))},
          {"duration_ms", job.duration.count()},
          {"tests", tests_json(job.tests)},
          {"note", job.note}};
}

}  // namespace

std::string_view status_text(Status status) {
  return status == Status::timed_out ? "timed out" : status_key(status);
}

std::string format_test_counts(const TestCounts& counts) {
  std::string text = std::to_string(counts.passed()) + " passed";
  if (counts.failures > 0)
    text += ", " + std::to_string(counts.failures) + " failed";
  if (counts.errors > 0)
    text += ", " + count_of(counts.errors, "error", "errors");
  if (counts.skipped > 0)
    text += ", " + std::to_string(counts.skipped) + " skipped";
  return text;
}

std::string render_summary_table(const std::vector<JobSummary>& jobs, Color color) {
  const Row header = {"JOB", "STATUS", "DURATION", "TESTS", "NOTE"};
  std::vector<Row> rows;
  rows.reserve(jobs.size());
  std::array<std::size_t, k_columns> widths{};
  for (std::size_t c = 0; c < k_columns; ++c)
    widths[c] = header[c].size();
  for (const JobSummary& job : jobs) {
    rows.push_back(row_of(job));
    for (std::size_t c = 0; c < k_columns; ++c)
      widths[c] = std::max(widths[c], rows.back()[c].size());
  }
  std::string table = paint(render_row(header, widths, nullptr, color), "1", color) + "\n";
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    table += render_row(rows[i], widths, status_color(jobs[i].status), color) + "\n";
  }
  return table + totals_line(jobs);
}

nlohmann::json summary_json(const std::vector<JobSummary>& jobs) {
  nlohmann::json listed = nlohmann::json::array();
  for (const JobSummary& job : jobs)
    listed.push_back(job_json(job));
  nlohmann::json totals = {{"jobs", jobs.size()}};
  for (const Status status : k_statuses)
    totals[std::string(status_key(status))] = count_status(jobs, status);
  totals["duration_ms"] = total_duration(jobs).count();
  totals["tests"] = tests_json(total_tests(jobs));
  return {{"jobs", std::move(listed)}, {"totals", std::move(totals)}};
}

}  // namespace pw::report
