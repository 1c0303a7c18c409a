#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "spec/model.hpp"
#include "spec/variables.hpp"

// Secret values, read from their sources only when a step needs them. A secret named in the
// spec's `secrets:` section comes from the environment variable or file it names; any other
// secret name is read from the environment variable of the same name.

namespace pw::secret {

/// Resolves and remembers secret values (so that output can be masked).
class SecretStore {
 public:
  /// env looks environment variables up; files are resolved against root.
  SecretStore(const spec::Spec& spec, spec::VarLookup env, std::filesystem::path root);

  /// The value of a secret; throws SecretError (exit 7) naming the missing source.
  const std::string& value(const std::string& name);
  /// Every value resolved so far (for masking output).
  std::vector<std::string> known_values() const;

 private:
  std::string read(const std::string& name) const;

  const spec::Spec& spec_;
  spec::VarLookup env_;
  std::filesystem::path root_;
  std::map<std::string, std::string> values_;
};

}  // namespace pw::secret
