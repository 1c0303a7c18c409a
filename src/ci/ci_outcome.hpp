#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ci/ci_context.hpp"
#include "report/summary.hpp"

// What a `pipewright ci` run did, and the CI-native reports made of it: GitHub's step summary
// (markdown) and outputs, GitLab's dotenv values. Pure.

namespace pw::ci {

/// The result of one `pipewright ci` run, filled in as its steps go.
struct CiOutcome {
  CiContext context;
  std::string flow;    ///< the flow's name; empty when none matched
  std::string commit;  ///< full sha the flow ran for
  std::string run_id;  ///< the job run, if jobs ran
  std::vector<report::JobSummary> jobs;
  std::vector<std::string> not_selected;  ///< "job: why" for jobs left out by paths
  std::optional<report::TestCounts> tests;
  std::string junit;        ///< where the merged JUnit report was written; empty: none
  std::string image;        ///< "<repository>@<digest>" released or promoted; empty: none
  std::string digest;       ///< the image's digest
  std::string environment;  ///< the environment promoted to; empty: none
  std::string error;        ///< what stopped the flow; empty when it passed
  int exit_code = 0;
};

/// Values for later jobs, by lowercase name: flow, commit, run_id, junit, image, digest,
/// environment, exit_code (empty values left out).
std::map<std::string, std::string> output_values(const CiOutcome& outcome);

/// The same values for a GitLab dotenv report: names PIPEWRIGHT_<UPPERCASE>.
std::map<std::string, std::string> dotenv_values(const CiOutcome& outcome);

/// GitHub's job summary in markdown: the context, a table of jobs, tests, the image and the
/// environment. Untrusted text (branch names, notes) is HTML-escaped inside <code>.
std::string step_summary_markdown(const CiOutcome& outcome);

}  // namespace pw::ci
