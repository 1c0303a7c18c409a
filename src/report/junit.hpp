#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

// JUnit XML test reports, as written by pytest (--junitxml), Maven Surefire, Gradle, go-junit-
// report and most other runners: read to count results, and merged into one file per run for
// the CI (GitLab's artifacts:reports:junit, GitHub test reporters).
//
// Counts come from the <testcase> elements, not from the tests=/failures= attributes: runners
// disagree on those (Surefire counts flaky reruns, some omit skipped) and a crashed runner may
// leave them stale. Reports are untrusted input: files over k_max_junit_bytes are refused
// before parsing, pugixml never expands DTD entities (a "billion laughs" stays a literal
// "&lol9;"), and every walk over the tree is iterative, so deep nesting cannot overflow the
// stack.

namespace pw::report {

/// Reports larger than this are refused (64 MiB: far above any real test run's report).
inline constexpr std::uintmax_t k_max_junit_bytes = 64ull << 20;

/// How many test cases ran, and how many of them failed, errored or were skipped.
struct TestCounts {
  int tests = 0;     ///< every test case
  int failures = 0;  ///< with a <failure> (an assertion did not hold)
  int errors = 0;    ///< with an <error> (and no <failure>): the test could not run properly
  int skipped = 0;   ///< with a <skipped> (and neither of the above)

  /// Test cases that neither failed, errored nor were skipped.
  int passed() const { return tests - failures - errors - skipped; }
  /// Adds other's counts to these.
  TestCounts& operator+=(const TestCounts& other);
  /// Equal when every count is.
  bool operator==(const TestCounts&) const = default;
};

/// One <testsuite> of a report.
struct JUnitSuite {
  std::string name;         ///< its name attribute (may be empty)
  TestCounts counts;        ///< counted from its <testcase> elements, nested suites included
  double time_seconds = 0;  ///< its time attribute, else the sum of its test cases' times
};

/// A JUnit report file: its top-level suites and their totals.
struct JUnitReport {
  std::vector<JUnitSuite> suites;  ///< in document order
  TestCounts counts;               ///< the sum over suites
  double time_seconds = 0;         ///< the sum over suites
};

/// Reads a report whose root is <testsuites> or a bare <testsuite>. Fails with a message
/// naming the file (and FILE:LINE:COL for malformed XML) when it cannot be read, is too large,
/// is not well-formed or has another root element.
Result<JUnitReport, std::string> read_junit(const std::filesystem::path& file);

/// A test case that failed or errored, as its report describes it (for CI annotations).
struct FailedCase {
  std::string suite;    ///< the enclosing <testsuite>'s name
  std::string name;     ///< classname.name (or name alone)
  std::string file;     ///< its file attribute, when the report has one
  int line = 0;         ///< its line attribute; 0 when absent
  std::string message;  ///< the failure's message attribute, else the first line of its text
};

/// The failed and errored test cases of a report, in document order, at most `limit`.
Result<std::vector<FailedCase>, std::string> failed_cases(const std::filesystem::path& file,
                                                          std::size_t limit);

/// What merge_junit wrote.
struct MergedJUnit {
  TestCounts counts;                  ///< totals over every suite written
  double time_seconds = 0;            ///< total time over every suite written
  std::vector<std::string> problems;  ///< "JOB: <reason>" for each file left out
};

/// A report file produced by a job: (job name, path).
using JobReport = std::pair<std::string, std::filesystem::path>;

/// Writes one <testsuites> document to out with every suite of every readable file, each
/// renamed "JOB/<name>" so that two jobs' suites stay apart, with counts recomputed and
/// totals on the root. Unreadable or malformed files are listed in problems and skipped.
/// Fails only when out cannot be written (it is replaced atomically).
Result<MergedJUnit, std::string> merge_junit(const std::vector<JobReport>& files,
                                             const std::filesystem::path& out);

}  // namespace pw::report
