#pragma once

#include <optional>
#include <string>

#include "spec/model.hpp"

namespace pw {

/// The git ref a pipeline runs for: a branch or a tag, by name.
struct GitRefName {
  spec::RefKind kind = spec::RefKind::branch;
  std::string name;
};

/// The first flow of the spec (in the order written) whose patterns match ref; nullptr when
/// none does.
const spec::Flow* select_flow(const spec::Spec& spec, const GitRefName& ref);

}  // namespace pw
