#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// "Skip unchanged": a job whose image, command, environment and declared inputs equal those
// of an earlier successful run is not run again. The key hashes those inputs; a successful
// run stores its reports under the key so a cached job still contributes its test results.

namespace pw::run {

/// Everything that decides a job's result.
struct JobCacheInputs {
  std::string job;
  std::string place;  ///< image id, or "host"
  std::string command;
  std::vector<std::pair<std::string, std::string>> env;  ///< sorted by name
  std::string inputs;  ///< content ids of the declared paths (or of the tree for host jobs)
  std::vector<std::string> services;  ///< service name=image for each service used
};

/// The cache key of a job's inputs (hex).
std::string job_cache_key(const JobCacheInputs& inputs);

/// Stored results of successful jobs under `.pipewright/cache/jobs/`.
class JobCache {
 public:
  explicit JobCache(std::filesystem::path dir);
  /// The stored reports directory when the job succeeded before with this key.
  std::optional<std::filesystem::path> find(const std::string& job, const std::string& key) const;
  /// Records a success, copying the job's reports directory.
  void store(const std::string& job, const std::string& key,
             const std::filesystem::path& reports) const;

 private:
  std::filesystem::path entry(const std::string& job, const std::string& key) const;
  std::filesystem::path dir_;
};

}  // namespace pw::run
