#include "report/summary.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace pw::report {
namespace {

using namespace std::chrono_literals;
using Status = JobSummary::Status;

std::vector<JobSummary> sample_run() {
  return {
      {"unit", Status::failed, 12'300ms, TestCounts{15, 1, 0, 2}, "exit code 1"},
      {"lint", Status::passed, 3'100ms, std::nullopt, ""},
      {"build-docs", Status::cached, 40ms, std::nullopt, "cached from 1a2b3c4"},
      {"integration", Status::skipped, 0ms, std::nullopt, "needs 'unit' which failed"},
      {"e2e", Status::timed_out, 600'000ms, TestCounts{4, 0, 1, 0}, "timeout 10m"},
  };
}

TEST(Summary, RendersAlignedColumnsAndTotals) {
  // clang-format off
  EXPECT_EQ(render_summary_table(sample_run(), Color::never),
            "JOB          STATUS     DURATION  TESTS                           NOTE\n"
            "unit         failed     12.3s     12 passed, 1 failed, 2 skipped  exit code 1\n"
            "lint         passed     3.1s      -\n"
            "build-docs   cached     40ms      -                               cached from 1a2b3c4\n"
            "integration  skipped    -         -                               needs 'unit' which failed\n"
            "e2e          timed out  10m       3 passed, 1 error               timeout 10m\n"
            "5 jobs: 1 passed, 1 cached, 1 failed, 1 timed out, 1 skipped; "
            "tests: 15 passed, 1 failed, 1 error, 2 skipped; job time 10m15s\n");
  // clang-format on
}

TEST(Summary, ColorsOnlyTheStatusAndHeaderWithoutBreakingAlignment) {
  const std::vector<JobSummary> jobs = {
      {"unit", Status::passed, 1'500ms, TestCounts{3, 0, 0, 0}, ""},
      {"lint", Status::cancelled, 200ms, std::nullopt, "interrupted"},
  };
  EXPECT_EQ(render_summary_table(jobs, Color::always),
            "\033[1mJOB   STATUS     DURATION  TESTS     NOTE\033[0m\n"
            "unit  \033[32mpassed\033[0m     1.5s      3 passed\n"
            "lint  \033[33mcancelled\033[0m  200ms     -         interrupted\n"
            "2 jobs: 1 passed, 1 cancelled; tests: 3 passed; job time 1.7s\n");
}

TEST(Summary, EmptyRunAndRunWithoutTests) {
  EXPECT_EQ(render_summary_table({}, Color::never),
            "JOB  STATUS  DURATION  TESTS  NOTE\n"
            "0 jobs; job time 0ms\n");
  EXPECT_EQ(render_summary_table({{"lint", Status::passed, 2s, std::nullopt, ""}}, Color::never),
            "JOB   STATUS  DURATION  TESTS  NOTE\n"
            "lint  passed  2.0s      -\n"
            "1 job: 1 passed; job time 2.0s\n");
}

TEST(Summary, FormatsTestCounts) {
  EXPECT_EQ(format_test_counts({15, 1, 0, 2}), "12 passed, 1 failed, 2 skipped");
  EXPECT_EQ(format_test_counts({12, 0, 0, 0}), "12 passed");
  EXPECT_EQ(format_test_counts({5, 0, 2, 0}), "3 passed, 2 errors");
  EXPECT_EQ(format_test_counts({}), "0 passed");
}

TEST(Summary, JsonCarriesTheSameContent) {
  const nlohmann::json json = summary_json(sample_run());
  ASSERT_EQ(json["jobs"].size(), 5u);
  EXPECT_EQ(json["jobs"][0],
            nlohmann::json::parse(R"({"name": "unit", "status": "failed", "duration_ms": 12300,
              "tests": {"tests": 15, "passed": 12, "failures": 1, "errors": 0, "skipped": 2},
              "note": "exit code 1"})"));
  EXPECT_EQ(json["jobs"][1]["tests"], nullptr);
  EXPECT_EQ(json["jobs"][4]["status"], "timed_out");
  EXPECT_EQ(json["totals"], nlohmann::json::parse(R"({"jobs": 5, "passed": 1, "cached": 1,
              "failed": 1, "timed_out": 1, "cancelled": 0, "skipped": 1, "duration_ms": 615440,
              "tests": {"tests": 19, "passed": 15, "failures": 1, "errors": 1, "skipped": 2}})"));
}

}  // namespace
}  // namespace pw::report
