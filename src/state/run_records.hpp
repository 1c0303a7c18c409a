#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

// What a run proved, kept under .pipewright/: each run's summary (runs/), and for each commit the
// latest run that passed on a clean checkout — the test evidence `release` attaches to the
// artifact.

namespace pw::state {

/// The summary of one finished run.
struct RunRecord {
  std::string run_id;
  std::string commit;      ///< HEAD when the run started
  bool clean = false;      ///< images from the commit and no tracked change in the working copy
  bool passed = false;     ///< every job passed or was cached
  nlohmann::json summary;  ///< the jobs and test counts (the run's --json summary)
};

/// Writes runs/<id>/summary.json and, for a clean passing run, evidence/<commit>.json (kept
/// apart from runs/ so that runs/ holds nothing but run directories).
void record_run(const std::filesystem::path& state_dir, const RunRecord& record);

/// The latest clean passing run of commit, if any.
std::optional<RunRecord> passing_run(const std::filesystem::path& state_dir,
                                     const std::string& commit);

}  // namespace pw::state
