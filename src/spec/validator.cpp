#include "spec/validator.hpp"

#include "spec/validate_checks.hpp"

namespace pw::spec {

void validate_spec(const Spec& spec, const PathProbe& paths, Diagnostics& diagnostics) {
  check_references(spec, diagnostics);
  check_cycles(spec, diagnostics);
  check_git_tags(spec, diagnostics);
  check_paths(spec, paths, diagnostics);
}

}  // namespace pw::spec
