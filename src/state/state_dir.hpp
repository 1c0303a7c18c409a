#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "build/image_builder.hpp"

// pipewright's local state: `.pipewright/` at the repository root (it ignores itself for git,
// so it never shows up as untracked). Holds build logs and which image was built for which
// commit, so that later steps use exactly that image.

namespace pw::state {

/// `.pipewright/` under root, created (with its self-ignoring .gitignore) if missing.
std::filesystem::path ensure_state_dir(const std::filesystem::path& root);

/// Records the images built (or found up to date) for a commit, merging with earlier records.
void record_images(const std::filesystem::path& state_dir, const std::string& commit,
                   const std::vector<build::BuiltImage>& images);

/// One recorded image.
struct ImageRecord {
  std::string name;
  std::string repository;
  std::string image_id;
  std::vector<std::string> tags;
  std::string inputs;
  bool dirty = false;
};

/// The images recorded for a commit (empty when none).
std::vector<ImageRecord> recorded_images(const std::filesystem::path& state_dir,
                                         const std::string& commit);

}  // namespace pw::state
