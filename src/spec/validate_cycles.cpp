#include <algorithm>

#include "plan/graph.hpp"
#include "spec/validate_checks.hpp"

namespace pw::spec {
namespace {

// "a → b → a"; a long cycle shows its first and last names around how many it leaves out.
std::string arrow_path(const std::vector<std::string>& cycle) {
  constexpr std::size_t k_head = 5;
  constexpr std::size_t k_tail = 6;  // the last name is the first again
  std::string out;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    if (cycle.size() > k_head + k_tail + 1 && i == k_head) {
      out += " → ... " + std::to_string(cycle.size() - k_head - k_tail) + " more ...";
      i = cycle.size() - k_tail;
    }
    out += (out.empty() ? "" : " → ") + cycle[i];
  }
  return out;
}

}  // namespace

void check_cycles(const Spec& spec, Diagnostics& diagnostics) {
  Graph needs;
  for (const auto& job : spec.jobs)
    needs.add_node(job.name);
  for (const auto& job : spec.jobs) {
    for (const auto& need : job.needs) {
      // Unknown names and self-needs are reported by check_references.
      if (need.value != job.name && needs.contains(need.value)) {
        needs.add_edge(job.name, need.value);
      }
    }
  }
  if (auto cycle = needs.find_cycle()) {
    const Job* first = spec.find_job(cycle->front());
    diagnostics.error(first->pos, "jobs need each other in a cycle: " + arrow_path(*cycle),
                      "remove one of these 'needs'", static_cast<int>(first->name.size()));
  }
  Graph promotion;
  for (const auto& env : spec.environments)
    promotion.add_node(env.name);
  for (const auto& env : spec.environments) {
    if (env.from && env.from->value != env.name && promotion.contains(env.from->value)) {
      promotion.add_edge(env.name, env.from->value);
    }
  }
  if (auto cycle = promotion.find_cycle()) {
    // The graph's edges point at 'from'; the message shows the way promotions go.
    std::reverse(cycle->begin(), cycle->end());
    const Environment* first = spec.find_environment(cycle->front());
    diagnostics.error(
        first->pos, "promotions between environments go round in a cycle: " + arrow_path(*cycle),
        "one environment must be the start, without 'from'", static_cast<int>(first->name.size()));
  }
}

}  // namespace pw::spec
