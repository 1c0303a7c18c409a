#pragma once

#include <filesystem>
#include <string>
#include <vector>

// The pre-push verdict cache: a push whose every input equals that of a push that passed is
// answered "passed" from a record, without starting Docker (each `docker` call costs 20-50 ms).
//
// The key hashes (length-prefixed fields, so no value can pose as another):
//   - pipewright's version and the verdict format;
//   - the spec's text as committed at the pushed commit, and the pushed commit itself (so
//     the commit's tree: every file, the spec's variables are in the text, and
//     PIPEWRIGHT_COMMIT is in every job's environment);
//   - the flow and the exact list of jobs selection planned, in order;
//   - for each job its job cache key (run/job_cache.hpp: command, environment after variable
//     expansion with secret values substituted, declared inputs' content ids, services'
//     images) computed over the image *inputs keys* (context tree, Dockerfile, args, target,
//     build-secret names) rather than image ids, plus what the job cache does not key on:
//     timeout, workdir, report patterns and each service's definition with resolved values.
// Only passes are recorded; a failure is always run again. Values enter only as hashes: no
// secret is stored. Not keyed (as for the job and image caches): an external image that
// changed under the same tag (`postgres:15`, a Dockerfile's FROM), and the host's own tools.

namespace pw::hook {

/// What decides a pre-push verdict.
struct VerdictInputs {
  std::string tool_version;
  std::string spec_text;
  std::string commit;
  std::string flow;
  std::vector<std::string> jobs;  ///< one description per planned job, in plan order
};

/// The verdict key (hex).
std::string verdict_key(const VerdictInputs& inputs);

/// Recorded passing verdicts under `.pipewright/cache/prepush/`.
class VerdictCache {
 public:
  explicit VerdictCache(std::filesystem::path dir);
  /// True when a push with this key passed before.
  bool passed(const std::string& key) const;
  /// Records a pass (best effort: an unwritable cache only costs speed).
  void record_pass(const std::string& key, const std::string& what) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace pw::hook
