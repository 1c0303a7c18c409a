#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "plan/plan.hpp"

namespace pw::cli {

/// The plan as text for people: the chosen flow, images to build, jobs by level, release
/// and promotion steps.
std::string render_plan_text(const spec::Spec& spec, const Plan& plan);

/// The plan as JSON (stable keys: ref, flow, images, levels, jobs, release, promote, verify).
nlohmann::json render_plan_json(const spec::Spec& spec, const Plan& plan);

}  // namespace pw::cli
