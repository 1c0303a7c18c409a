#include "hook/verdict.hpp"

#include <fstream>

#include "git/object_hash.hpp"

namespace pw::hook {
namespace {

void field(std::string& out, const std::string& key, const std::string& value) {
  out += key + " " + std::to_string(value.size()) + ":" + value + "\n";
}

}  // namespace

std::string verdict_key(const VerdictInputs& inputs) {
  std::string text = "pipewright-prepush-verdict 1\n";
  field(text, "version", inputs.tool_version);
  field(text, "spec", inputs.spec_text);
  field(text, "commit", inputs.commit);
  field(text, "flow", inputs.flow);
  for (const auto& job : inputs.jobs)
    field(text, "job", job);
  return git::hash_text(text);
}

VerdictCache::VerdictCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

bool VerdictCache::passed(const std::string& key) const {
  std::error_code ec;
  return std::filesystem::is_regular_file(dir_ / key, ec);
}

void VerdictCache::record_pass(const std::string& key, const std::string& what) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  const auto partial = dir_ / (key + ".partial");
  {
    std::ofstream out(partial, std::ios::trunc);
    out << "passed " << what << "\n";
    if (!out.flush())
      return;
  }
  std::filesystem::rename(partial, dir_ / key, ec);
}

}  // namespace pw::hook
