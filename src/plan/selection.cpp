#include "plan/selection.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pw {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

void add_image(const spec::Spec& spec, const std::string& name, std::set<std::string>& images) {
  if (spec.find_image(name) != nullptr)
    images.insert(name);
}

// Images the job runs in or starts services from.
void images_of(const spec::Spec& spec, const std::string& name, std::set<std::string>& images) {
  const spec::Job* job = spec.find_job(name);
  if (job == nullptr)
    return;
  if (job->image)
    add_image(spec, job->image->value, images);
  for (const auto& service_name : job->services) {
    if (const spec::Service* service = spec.find_service(service_name.value))
      add_image(spec, service->image.value, images);
  }
}

std::string changed_reason(const PathMatch& match) {
  std::string reason = "changed: " + match.file + " under " + match.prefix;
  if (match.count > 1)
    reason += " (and " + std::to_string(match.count - 1) + " more)";
  return reason;
}

}  // namespace

std::vector<std::string> selection_paths(const spec::Spec& spec, const spec::Job& job) {
  std::vector<std::string> paths;
  for (const auto& path : job.paths)
    paths.push_back(path.value);
  if (job.image) {
    if (const spec::Image* image = spec.find_image(job.image->value);
        image != nullptr && !image->paths.empty()) {
      for (const auto& path : image->paths)
        paths.push_back(path.value);
      paths.push_back(image->dockerfile.value);
    }
  }
  return paths;
}

Plan select_changes(const spec::Spec& spec, const Plan& plan, const ChangeSet& changes) {
  Plan out = plan;
  out.changes = changes;
  if (changes.scope == ChangeSet::Scope::everything)
    return out;
  const std::vector<const PlannedJob*> order = jobs_in_order(plan);
  // 1. each job by its own paths
  std::map<std::string, std::string> reason;  // selected job → why
  std::map<std::string, std::string> left;    // left-out job → why
  for (const PlannedJob* planned : order) {
    const spec::Job* job = spec.find_job(planned->name);
    const std::vector<std::string> paths =
        job ? selection_paths(spec, *job) : std::vector<std::string>{};
    if (paths.empty()) {
      if (planned->inclusion == Inclusion::asked)
        reason[planned->name] = planned->reason;
      else
        left[planned->name] = "only needed by jobs that were not selected";
      continue;
    }
    if (auto match = first_change_under(changes, paths))
      reason[planned->name] = changed_reason(*match);
    else
      left[planned->name] = "no changes under " + join(paths);
  }
  // 2. what selected jobs need, transitively (the plan holds every need; later levels first)
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const PlannedJob* planned = *it;
    if (!reason.count(planned->name))
      continue;
    for (const auto& need : planned->needs) {
      if (reason.count(need))
        continue;
      reason[need] = "needed by '" + planned->name + "'";
      left.erase(need);
    }
  }
  // 3. the narrowed levels, left-out jobs, and the images still needed
  out.levels.clear();
  out.left_out.clear();
  std::set<std::string> images;
  for (const auto& level : plan.levels) {
    std::vector<PlannedJob> kept;
    for (const auto& job : level) {
      if (auto r = reason.find(job.name); r != reason.end()) {
        PlannedJob copy = job;
        copy.reason = r->second;
        kept.push_back(std::move(copy));
        images_of(spec, job.name, images);
      } else {
        out.left_out.push_back({job.name, left[job.name]});
      }
    }
    if (!kept.empty())
      out.levels.push_back(std::move(kept));
  }
  if (plan.release)
    images.insert("release");
  // verify jobs (and what they need) run after a promotion, whatever changed
  std::vector<std::string> work = plan.verify;
  std::set<std::string> seen(work.begin(), work.end());
  while (!work.empty()) {
    const std::string name = work.back();
    work.pop_back();
    images_of(spec, name, images);
    if (const spec::Job* job = spec.find_job(name)) {
      for (const auto& need : job->needs) {
        if (seen.insert(need.value).second)
          work.push_back(need.value);
      }
    }
  }
  std::erase_if(out.images, [&](const std::string& name) { return !images.count(name); });
  return out;
}

}  // namespace pw
