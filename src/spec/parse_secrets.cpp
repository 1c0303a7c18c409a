#include "spec/parse_sections.hpp"

namespace pw::spec {
namespace {

const std::vector<std::string> k_secret_keys = {"env", "file"};

}  // namespace

std::map<std::string, SecretSource> parse_secrets(YamlReader& reader, const YAML::Node& node) {
  std::map<std::string, SecretSource> secrets;
  auto entries = reader.entries(node, "'secrets'", {});
  if (!entries)
    return secrets;
  for (const auto& e : *entries) {
    const std::string what = "secret '" + e.key + "'";
    // Declared even when its source is broken, so its uses do not read "unknown secret" too.
    secrets[e.key] = SecretSource{SecretSource::Kind::env, "", e.key_pos};
    if (!is_variable_name(e.key)) {
      reader.error(e.key_pos, "invalid secret name '" + e.key + "'",
                   "secret names are letters, digits and '_' (they become variable names)",
                   static_cast<int>(e.key.size()));
    }
    if (!e.value.IsMap()) {
      reader.error(e.value, what + " must be a mapping, not " + describe_node(e.value),
                   "say where its value comes from: { env: VARIABLE } or { file: PATH }");
      continue;
    }
    const std::size_t problems = reader.problems();
    auto fields = reader.entries(e.value, what, k_secret_keys);
    if (!fields)
      continue;
    // A misspelt key was reported with "did you mean": that is the whole story.
    if (fields->empty() && reader.problems() > problems)
      continue;
    if (fields->size() != 1) {
      reader.error(e.key_pos, what + " needs exactly one of 'env' or 'file'",
                   "e.g. " + e.key + ": { env: " + e.key + " }", static_cast<int>(e.key.size()));
      continue;
    }
    const MapEntry& field = fields->front();
    auto ref = reader.string(field.value, "'" + field.key + "' of " + what);
    if (!ref)
      continue;
    const auto kind = field.key == "env" ? SecretSource::Kind::env : SecretSource::Kind::file;
    secrets[e.key] = SecretSource{kind, *ref, e.key_pos};
  }
  return secrets;
}

}  // namespace pw::spec
