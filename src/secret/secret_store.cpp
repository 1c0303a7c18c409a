#include "secret/secret_store.hpp"

#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace pw::secret {

SecretStore::SecretStore(const spec::Spec& spec, spec::VarLookup env, std::filesystem::path root)
    : spec_(spec), env_(std::move(env)), root_(std::move(root)) {}

std::string SecretStore::read(const std::string& name) const {
  auto declared = spec_.secrets.find(name);
  if (declared == spec_.secrets.end() || declared->second.kind == spec::SecretSource::Kind::env) {
    const std::string variable = declared == spec_.secrets.end() ? name : declared->second.ref;
    auto value = env_(variable);
    if (!value) {
      throw SecretError("secret '" + name + "': environment variable " + variable +
                        " is not set\n  hint: export " + variable + " before running pipewright");
    }
    return *value;
  }
  std::filesystem::path file = declared->second.ref;
  if (file.is_relative())
    file = root_ / file;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw SecretError("secret '" + name + "': cannot read file " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string& SecretStore::value(const std::string& name) {
  auto it = values_.find(name);
  if (it == values_.end())
    it = values_.emplace(name, read(name)).first;
  return it->second;
}

std::vector<std::string> SecretStore::known_values() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : values_)
    out.push_back(value);
  return out;
}

}  // namespace pw::secret
