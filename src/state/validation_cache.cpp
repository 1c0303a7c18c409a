#include "state/validation_cache.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "git/object_hash.hpp"
#include "pipewright/version.hpp"

namespace pw::state {
namespace {

int state_number(spec::PathState state) {
  return static_cast<int>(state);
}

// Only a hash of each value is stored: an environment variable may hold a credential.
nlohmann::json fingerprint(const std::optional<std::string>& value) {
  return value ? nlohmann::json(git::hash_text(*value)) : nlohmann::json(nullptr);
}

}  // namespace

ValidationRecorder::ValidationRecorder(spec::VarLookup env, const spec::PathProbe& probe)
    : env_(std::move(env)),
      looked_up_(std::make_shared<std::map<std::string, std::optional<std::string>>>()) {
  recording_probe_.inner = &probe;
}

spec::VarLookup ValidationRecorder::lookup() {
  return [env = env_, seen = looked_up_](std::string_view name) {
    auto value = env(name);
    seen->emplace(std::string(name), value);
    return value;
  };
}

spec::PathState ValidationRecorder::RecordingProbe::probe(std::string_view relative) const {
  const spec::PathState state = inner->probe(relative);
  seen.emplace(std::string(relative), state);
  return state;
}

ValidationCache::ValidationCache(std::filesystem::path state_dir)
    : dir_(std::move(state_dir) / "cache" / "validate") {}

std::string ValidationCache::key(const std::string& source, const std::filesystem::path& root) {
  // The version: a newer pipewright may check more, so its verdicts are its own.
  return git::hash_text(std::string(k_version) + '\0' + root.string() + '\0' + source);
}

std::optional<SpecCounts> ValidationCache::find(const std::string& key, const spec::VarLookup& env,
                                                const spec::PathProbe& probe) const {
  std::ifstream in(dir_ / (key + ".json"));
  if (!in)
    return std::nullopt;
  const auto record = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object() || !record.contains("env") || !record.contains("paths"))
    return std::nullopt;
  try {
    for (const auto& [name, value] : record["env"].items()) {
      if (fingerprint(env(name)) != value)
        return std::nullopt;
    }
    for (const auto& [path, state] : record["paths"].items()) {
      if (state_number(probe.probe(path)) != state.get<int>())
        return std::nullopt;
    }
    const auto& c = record.at("counts");
    return SpecCounts{c.at("images"), c.at("services"), c.at("jobs"), c.at("environments"),
                      c.at("flows")};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged record is a miss
  }
}

void ValidationCache::store(const std::string& key, const ValidationRecorder& recorder,
                            const SpecCounts& counts) const {
  nlohmann::json record;
  record["env"] = nlohmann::json::object();
  for (const auto& [name, value] : *recorder.looked_up_) {
    record["env"][name] = fingerprint(value);
  }
  record["paths"] = nlohmann::json::object();
  for (const auto& [path, state] : recorder.recording_probe_.seen) {
    record["paths"][path] = state_number(state);
  }
  record["counts"] = {{"images", counts.images},
                      {"services", counts.services},
                      {"jobs", counts.jobs},
                      {"environments", counts.environments},
                      {"flows", counts.flows}};
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  const auto file = dir_ / (key + ".json");
  const auto partial = dir_ / (key + ".json.partial");
  {
    std::ofstream out(partial);
    if (!out)
      return;
    out << record.dump() << "\n";
  }
  std::filesystem::rename(partial, file, ec);
}

}  // namespace pw::state
