#include "run/job_cache.hpp"

#include <fstream>

#include "git/object_hash.hpp"

namespace pw::run {
namespace {

// Length-prefixed fields: no value can pose as another field.
void field(std::string& out, const std::string& key, const std::string& value) {
  out += key + " " + std::to_string(value.size()) + ":" + value + "\n";
}

}  // namespace

std::string job_cache_key(const JobCacheInputs& inputs) {
  std::string text = "pipewright-job-inputs 1\n";
  field(text, "job", inputs.job);
  field(text, "place", inputs.place);
  field(text, "command", inputs.command);
  for (const auto& [name, value] : inputs.env)
    field(text, "env", name + "=" + value);
  field(text, "inputs", inputs.inputs);
  for (const auto& service : inputs.services)
    field(text, "service", service);
  return git::hash_text(text);
}

JobCache::JobCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::filesystem::path JobCache::entry(const std::string& job, const std::string& key) const {
  return dir_ / (job + "-" + key);
}

std::optional<std::filesystem::path> JobCache::find(const std::string& job,
                                                    const std::string& key) const {
  const auto dir = entry(job, key);
  std::error_code ec;
  if (!std::filesystem::exists(dir / "ok", ec))
    return std::nullopt;
  return dir / "reports";
}

void JobCache::store(const std::string& job, const std::string& key,
                     const std::filesystem::path& reports) const {
  const auto dir = entry(job, key);
  const auto partial = dir.string() + ".partial";
  std::error_code ec;
  std::filesystem::remove_all(partial, ec);
  std::filesystem::create_directories(std::filesystem::path(partial) / "reports");
  if (std::filesystem::exists(reports, ec)) {
    std::filesystem::copy(reports, std::filesystem::path(partial) / "reports",
                          std::filesystem::copy_options::recursive, ec);
  }
  std::ofstream(std::filesystem::path(partial) / "ok") << "ok\n";
  std::filesystem::remove_all(dir, ec);
  std::filesystem::rename(partial, dir, ec);  // a concurrent store of the same key is as good
}

}  // namespace pw::run
