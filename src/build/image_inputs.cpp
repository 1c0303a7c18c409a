#include "build/image_inputs.hpp"

namespace pw::build {
namespace {

// Bumped when the meaning of a build changes (labels, flags), so old images stop matching.
constexpr const char* k_format = "pipewright-image-inputs 1";

// Values are written with their length first, so no value can fake another line.
void field(std::string& out, const std::string& key, const std::string& value) {
  out += key + " " + std::to_string(value.size()) + ":" + value + "\n";
}

}  // namespace

std::string describe_inputs(const ImageInputs& inputs) {
  std::string out = std::string(k_format) + "\n";
  field(out, "context", inputs.context_path);
  field(out, "context-tree", inputs.context_tree);
  field(out, "dockerfile", inputs.dockerfile_path);
  field(out, "dockerfile-blob", inputs.dockerfile_blob);
  field(out, "target", inputs.target.value_or(""));
  for (const auto& [name, value] : inputs.args)
    field(out, "arg", name + "=" + value);
  for (const auto& id : inputs.secret_ids)
    field(out, "secret", id);
  for (const auto& ref : inputs.cache_from)
    field(out, "cache-from", ref);
  return out;
}

}  // namespace pw::build
