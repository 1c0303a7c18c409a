#include "cli/plan_render.hpp"

#include <sstream>

namespace pw::cli {
namespace {

std::string ref_text(const GitRefName& ref) {
  return (ref.kind == spec::RefKind::tag ? "tag '" : "branch '") + ref.name + "'";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

void image_line(std::ostringstream& out, const spec::Spec& spec, const std::string& name) {
  const spec::Image* image = spec.find_image(name);
  out << "  " << name << "  (" << image->dockerfile.value;
  if (image->target)
    out << ", target " << *image->target;
  out << ")\n";
}

void job_line(std::ostringstream& out, const PlannedJob& job) {
  out << "    " << job.name << "  [" << job.place << "]";
  if (!job.needs.empty())
    out << "  needs " << join(job.needs);
  if (!job.services.empty())
    out << "  services " << join(job.services);
  out << "  (" << job.reason << ")\n";
}

}  // namespace

std::string render_plan_text(const spec::Spec& spec, const Plan& plan) {
  std::ostringstream out;
  if (plan.ref && plan.flow == nullptr) {
    out << "no flow matches " << ref_text(*plan.ref) << ": nothing to run\n";
    return out.str();
  }
  if (plan.flow)
    out << "flow '" << plan.flow->name << "' for " << ref_text(*plan.ref) << "\n";
  out << "images to build:" << (plan.images.empty() ? " none\n" : "\n");
  for (const auto& image : plan.images)
    image_line(out, spec, image);
  out << "jobs:" << (plan.levels.empty() ? " none\n" : "\n");
  for (std::size_t i = 0; i < plan.levels.size(); ++i) {
    out << "  level " << i + 1 << ":\n";
    for (const auto& job : plan.levels[i])
      job_line(out, job);
  }
  if (plan.changes) {
    out << "changes: " << plan.changes->note << "\n";
    if (!plan.left_out.empty()) {
      out << "not selected:\n";
      for (const auto& left : plan.left_out)
        out << "    " << left.name << "  (" << left.reason << ")\n";
    }
  }
  if (plan.release) {
    out << "release: push image 'release' to " << spec.registry
        << " and record its digest for the commit\n";
  }
  if (plan.promote) {
    out << "promote: to environment '" << *plan.promote << "'";
    if (!plan.verify.empty())
      out << ", then verify with " << join(plan.verify);
    out << "\n";
  }
  return out.str();
}

nlohmann::json render_plan_json(const spec::Spec& spec, const Plan& plan) {
  using nlohmann::json;
  json out;
  out["spec"] = spec.file;
  out["ref"] = plan.ref ? json{{"kind", plan.ref->kind == spec::RefKind::tag ? "tag" : "branch"},
                               {"name", plan.ref->name}}
                        : json(nullptr);
  out["flow"] = plan.flow ? json{{"name", plan.flow->name}, {"patterns", plan.flow->patterns}}
                          : json(nullptr);
  out["images"] = json::array();
  for (const auto& name : plan.images) {
    const spec::Image* image = spec.find_image(name);
    out["images"].push_back({{"name", name},
                             {"dockerfile", image->dockerfile.value},
                             {"context", image->context.value},
                             {"target", image->target ? json(*image->target) : json(nullptr)}});
  }
  out["levels"] = json::array();
  out["jobs"] = json::array();
  for (std::size_t i = 0; i < plan.levels.size(); ++i) {
    json level = json::array();
    for (const auto& job : plan.levels[i]) {
      level.push_back(job.name);
      out["jobs"].push_back({{"name", job.name},
                             {"level", i + 1},
                             {"needs", job.needs},
                             {"runs_in", job.place},
                             {"services", job.services},
                             {"reason", job.reason}});
    }
    out["levels"].push_back(level);
  }
  out["release"] = plan.release;
  out["promote"] = plan.promote ? json(*plan.promote) : json(nullptr);
  out["verify"] = plan.verify;
  if (plan.changes) {
    const bool all = plan.changes->scope == ChangeSet::Scope::everything;
    out["changes"] = {
        {"scope", all ? "everything" : "listed"},
        {"base", plan.changes->base.empty() ? json(nullptr) : json(plan.changes->base)},
        {"paths", plan.changes->paths},
        {"note", plan.changes->note}};
  } else {
    out["changes"] = nullptr;
  }
  out["not_selected"] = json::array();
  for (const auto& left : plan.left_out)
    out["not_selected"].push_back({{"name", left.name}, {"reason", left.reason}});
  return out;
}

}  // namespace pw::cli
