#include <map>

#include "git/refname.hpp"
#include "spec/validate_checks.hpp"

namespace pw::spec {

void check_git_tags(const Spec& spec, Diagnostics& diagnostics) {
  std::map<std::string, const Environment*> owners;
  for (const auto& env : spec.environments) {
    if (!env.git_tag)
      continue;
    const Located<std::string>& tag = *env.git_tag;
    const int span = static_cast<int>(std::max<std::size_t>(tag.value.size(), 1));
    if (!git::is_valid_tag_name(tag.value)) {
      diagnostics.error(tag.pos,
                        "git would refuse the tag name '" + tag.value + "' of environment '" +
                            env.name + "': " + git::tag_name_problem(tag.value),
                        "see 'git help check-ref-format'", span);
      continue;
    }
    auto [it, inserted] = owners.emplace(tag.value, &env);
    if (!inserted) {
      diagnostics.error(tag.pos,
                        "environments '" + it->second->name + "' and '" + env.name +
                            "' both use the git tag '" + tag.value + "'",
                        "each environment needs its own tag", span);
    }
  }
}

}  // namespace pw::spec
