#pragma once

#include <map>
#include <string>
#include <vector>

#include "spec/model.hpp"

// How built images are named and labelled. Pure: the same inputs give the same names.

namespace pw::build {

/// Label keys pipewright sets on every image it builds, beside the OCI annotations.
inline constexpr const char* k_label_image = "dev.pipewright.image";
inline constexpr const char* k_label_inputs = "dev.pipewright.inputs";
inline constexpr const char* k_label_dirty = "dev.pipewright.dirty";
inline constexpr const char* k_label_project = "dev.pipewright.project";

/// Length of the short commit tag.
inline constexpr std::size_t k_short_sha = 12;

/// The repository an image of the spec is pushed to: "<registry>/<image name>".
std::string image_repository(const spec::Spec& spec, const spec::Image& image);

/// The tags of a build of commit: repository:<full sha> and repository:<short sha>.
std::vector<std::string> commit_tags(const std::string& repository, const std::string& commit);

/// What the labels of a build describe.
struct LabelFacts {
  std::string project;  ///< spec name
  std::string image;    ///< image name in the spec
  std::string commit;   ///< full sha
  std::string source;   ///< where the source lives (remote URL without credentials)
  std::string version;  ///< git describe, or the short sha
  std::string created;  ///< RFC 3339 UTC
  std::string inputs;   ///< the inputs key
  bool dirty = false;   ///< built from the working copy, not the commit
};

/// The OCI annotations (org.opencontainers.image.*) and pipewright's own labels.
std::map<std::string, std::string> image_labels(const LabelFacts& facts);

/// A remote URL with any user:password@ removed, so that CI tokens never reach a label.
std::string strip_credentials(const std::string& url);

}  // namespace pw::build
