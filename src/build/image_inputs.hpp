#pragma once

#include <optional>
#include <string>
#include <vector>

// The inputs that decide what an image build produces. Two builds with equal inputs make
// the same image, so the second is skipped ("up to date"). Pure.

namespace pw::build {

/// Everything that goes into a build from a committed tree.
struct ImageInputs {
  std::string context_path;  ///< as written in the spec
  std::string context_tree;  ///< git tree id of the context directory at the commit
  std::string dockerfile_path;
  std::string dockerfile_blob;  ///< git blob id of the Dockerfile at the commit
  std::optional<std::string> target;
  std::vector<std::pair<std::string, std::string>> args;  ///< expanded values
  std::vector<std::string> secret_ids;                    ///< names only: values never enter a key
  std::vector<std::string> cache_from;
};

/// A canonical, line-oriented description of the inputs (what the key hashes).
std::string describe_inputs(const ImageInputs& inputs);

}  // namespace pw::build
