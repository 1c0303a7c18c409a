#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "spec/path_probe.hpp"
#include "spec/variables.hpp"

// `validate` of an unchanged spec answers from a record instead of parsing again (ninja's
// deps log, ccache's manifest): the record holds what validity depended on besides the text —
// every environment variable looked up and every path probed, with the answers seen — and is
// used only when all of them still give the same answers.

namespace pw::state {

/// What a valid spec contains, for the "valid (…)" line.
struct SpecCounts {
  std::size_t images = 0, services = 0, jobs = 0, environments = 0, flows = 0;
};

/// Records the environment lookups and path probes a validation makes.
class ValidationRecorder {
 public:
  /// Wraps env and probe; both must outlive the recorder.
  ValidationRecorder(spec::VarLookup env, const spec::PathProbe& probe);
  /// A lookup that answers from env and remembers the answer.
  spec::VarLookup lookup();
  /// A probe that answers from probe and remembers the answer.
  const spec::PathProbe& probe() const { return recording_probe_; }

 private:
  friend class ValidationCache;
  struct RecordingProbe final : spec::PathProbe {
    const spec::PathProbe* inner = nullptr;
    mutable std::map<std::string, spec::PathState> seen;
    spec::PathState probe(std::string_view relative) const override;
  };
  spec::VarLookup env_;
  std::shared_ptr<std::map<std::string, std::optional<std::string>>> looked_up_;
  RecordingProbe recording_probe_;
};

/// Records of valid specs under `<state dir>/cache/validate/`.
class ValidationCache {
 public:
  explicit ValidationCache(std::filesystem::path state_dir);
  /// The key of a spec's text validated against a repository root.
  static std::string key(const std::string& source, const std::filesystem::path& root);
  /// The counts of a spec recorded valid under key, when every recorded lookup and probe still
  /// gives the recorded answer now.
  std::optional<SpecCounts> find(const std::string& key, const spec::VarLookup& env,
                                 const spec::PathProbe& probe) const;
  /// Records a valid spec (best effort: an unwritable cache only costs speed).
  void store(const std::string& key, const ValidationRecorder& recorder,
             const SpecCounts& counts) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace pw::state
