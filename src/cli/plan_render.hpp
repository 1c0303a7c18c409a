#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "plan/plan.hpp"

namespace pw::cli {

/// The plan as text for people: the chosen flow, images to build, jobs by level (each with
/// why it runs), the changes selection used and the jobs it left out, release and promotion.
std::string render_plan_text(const spec::Spec& spec, const Plan& plan);

/// The plan as JSON (stable keys: ref, flow, images, levels, jobs, release, promote, verify,
/// changes, not_selected).
nlohmann::json render_plan_json(const spec::Spec& spec, const Plan& plan);

}  // namespace pw::cli
