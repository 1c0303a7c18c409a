#include "plan/flow_select.hpp"

#include "util/glob.hpp"

namespace pw {

const spec::Flow* select_flow(const spec::Spec& spec, const GitRefName& ref) {
  for (const auto& flow : spec.flows) {
    if (flow.ref_kind != ref.kind)
      continue;
    for (const auto& pattern : flow.patterns) {
      if (glob_match(pattern, ref.name))
        return &flow;
    }
  }
  return nullptr;
}

}  // namespace pw
