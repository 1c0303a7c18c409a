#include <gtest/gtest.h>

#include "ci/ci_outcome.hpp"
#include "ci/github_commands.hpp"
#include "ci/gitlab_report.hpp"

namespace pw::ci {
namespace {

TEST(GitHubCommands, EscapesDataAndProperties) {
  EXPECT_EQ("50%25 done%0Anext%0D", github::escape_data("50% done\nnext\r"));
  EXPECT_EQ("a%3Ab%2Cc", github::escape_property("a:b,c"));
  EXPECT_EQ("a:b,c", github::escape_data("a:b,c"));
}

TEST(GitHubCommands, ErrorAnnotationCannotBeEndedEarly) {
  const std::string line =
      github::error_annotation({"pipewright.yaml", 12, 3}, "invalid spec", "bad\n::set-output x");
  EXPECT_EQ("::error file=pipewright.yaml,line=12,col=3,title=invalid spec::bad%0A::set-output x",
            line);
  EXPECT_EQ(std::string::npos, line.find('\n'));
}

TEST(GitHubCommands, AnnotationLeavesOutUnknownPlaces) {
  EXPECT_EQ("::error title=t::m", github::error_annotation({}, "t", "m"));
  EXPECT_EQ("::error file=a%2Cb.py,title=t::m", github::error_annotation({"a,b.py"}, "t", "m"));
}

TEST(GitHubCommands, MasksEveryLineOfASecret) {
  EXPECT_EQ("::add-mask::one\n::add-mask::two", github::add_mask("one\r\ntwo\n"));
  EXPECT_EQ("", github::add_mask(""));
  EXPECT_EQ("::add-mask::100%25", github::add_mask("100%"));
}

TEST(GitHubCommands, TokensAreFreshAndHex) {
  const std::string a = github::random_token();
  const std::string b = github::random_token();
  EXPECT_EQ(32u, a.size());
  EXPECT_NE(a, b);
  EXPECT_EQ(std::string::npos, a.find_first_not_of("0123456789abcdef"));
}

TEST(GitHubCommands, CommandWindowStopsOnceAndResumesOnce) {
  github::CommandWindow window;
  EXPECT_EQ("", window.before_command()) << "commands are processed at the start";
  EXPECT_EQ("::stop-commands::" + window.token(), window.before_untrusted());
  EXPECT_EQ("", window.before_untrusted()) << "already stopped";
  EXPECT_EQ("::" + window.token() + "::", window.before_command());
  EXPECT_EQ("", window.before_command());
}

TEST(GitHubCommands, OutputEntryCannotInjectAnotherOutput) {
  const std::string entry = github::output_entry("image", "x\nother=injected");
  const std::size_t open = entry.find("<<");
  ASSERT_NE(std::string::npos, open);
  const std::string delimiter = entry.substr(open + 2, entry.find('\n') - open - 2);
  EXPECT_EQ("image<<" + delimiter + "\nx\nother=injected\n" + delimiter + "\n", entry);
  EXPECT_EQ(0u, delimiter.find("pipewright_"));
}

TEST(GitLabReport, SectionsUseGitLabMarkers) {
  EXPECT_EQ("\033[0Ksection_start:1700000000:jobs[collapsed=true]\r\033[0Kflow 'x': unit",
            gitlab::section_start(1700000000, "jobs", "flow 'x': unit", true));
  EXPECT_EQ("\033[0Ksection_end:1700000000:jobs\r\033[0K", gitlab::section_end(1700000000, "jobs"));
}

TEST(GitLabReport, SectionNamesAndHeadersAreSanitized) {
  const std::string start = gitlab::section_start(1, "a b:c", "x\r\ny", false);
  EXPECT_EQ("\033[0Ksection_start:1:a_b_c\r\033[0Kx  y", start);
}

TEST(GitLabReport, DotenvSortsAndRefusesUnsafeValues) {
  auto text = gitlab::dotenv(
      {{"PIPEWRIGHT_IMAGE", "127.0.0.1:5000/app@sha256:ab"}, {"PIPEWRIGHT_COMMIT", "0123abc"}});
  ASSERT_TRUE(text);
  EXPECT_EQ("PIPEWRIGHT_COMMIT=0123abc\nPIPEWRIGHT_IMAGE=127.0.0.1:5000/app@sha256:ab\n",
            text.value());
  EXPECT_FALSE(gitlab::dotenv({{"PIPEWRIGHT_FLOW", "$(touch x)"}}));
  EXPECT_FALSE(gitlab::dotenv({{"PIPEWRIGHT_FLOW", "a\nB=c"}}));
  EXPECT_FALSE(gitlab::dotenv({{"lower", "x"}}));
}

CiOutcome sample_outcome() {
  CiOutcome outcome;
  outcome.context.system = CiSystem::github;
  outcome.context.ref = GitRefName{spec::RefKind::branch, "feature/<b>|`x`"};
  outcome.flow = "feature";
  outcome.commit = "0123456789abcdef0123456789abcdef01234567";
  outcome.run_id = "20261122-031500-ab12";
  report::JobSummary unit{"unit", report::JobSummary::Status::failed, std::chrono::seconds(3),
                          report::TestCounts{4, 1, 0, 0}, "exit code 1"};
  outcome.jobs.push_back(unit);
  outcome.tests = report::TestCounts{4, 1, 0, 0};
  outcome.error = "1 job failed: unit";
  outcome.exit_code = 1;
  return outcome;
}

TEST(CiOutcome, OutputValuesLeaveOutEmptyOnes) {
  const auto values = output_values(sample_outcome());
  EXPECT_EQ("feature", values.at("flow"));
  EXPECT_EQ("1", values.at("exit_code"));
  EXPECT_FALSE(values.contains("digest"));
  const auto dotenv = dotenv_values(sample_outcome());
  EXPECT_EQ("20261122-031500-ab12", dotenv.at("PIPEWRIGHT_RUN_ID"));
}

TEST(CiOutcome, StepSummaryEscapesUntrustedText) {
  const std::string markdown = step_summary_markdown(sample_outcome());
  EXPECT_NE(std::string::npos, markdown.find("<code>feature/&lt;b&gt;&#124;&#96;x&#96;</code>"));
  EXPECT_NE(std::string::npos, markdown.find("| <code>unit</code> | ❌ failed |"));
  EXPECT_NE(std::string::npos, markdown.find("**Tests:** 3 passed, 1 failed"));
  EXPECT_NE(std::string::npos, markdown.find("failed"));
}

}  // namespace
}  // namespace pw::ci
