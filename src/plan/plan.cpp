#include "plan/plan.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "plan/graph.hpp"

namespace pw {
namespace {

Graph needs_graph(const spec::Spec& spec) {
  Graph graph;
  for (const auto& job : spec.jobs) {
    graph.add_node(job.name);
    for (const auto& need : job.needs)
      graph.add_edge(job.name, need.value);
  }
  return graph;
}

// Why each selected job is there: named by the flow/user, or needed by another job.
std::map<std::string, std::string> reasons(const Graph& graph,
                                           const std::vector<std::string>& roots,
                                           const std::string& root_reason) {
  std::map<std::string, std::string> why;
  for (const auto& root : roots)
    why.emplace(root, root_reason);
  std::vector<std::string> work = roots;
  while (!work.empty()) {
    const std::string job = work.back();
    work.pop_back();
    for (const auto& need : graph.needs_of(job)) {
      if (why.emplace(need, "needed by '" + job + "'").second)
        work.push_back(need);
    }
  }
  return why;
}

void add_image(const spec::Spec& spec, const std::string& name, std::set<std::string>& images) {
  if (spec.find_image(name) != nullptr)
    images.insert(name);
}

void collect_images(const spec::Spec& spec, const std::vector<std::string>& jobs,
                    std::set<std::string>& images) {
  for (const auto& name : jobs) {
    const spec::Job* job = spec.find_job(name);
    if (job == nullptr)
      continue;
    if (job->image)
      add_image(spec, job->image->value, images);
    for (const auto& service_name : job->services) {
      if (const spec::Service* service = spec.find_service(service_name.value)) {
        add_image(spec, service->image.value, images);  // a service may run a spec image
      }
    }
  }
}

// A job's needs that are in the plan (all of them, unless needs were left out on purpose).
std::vector<std::string> needs_within(const Graph& graph, const std::string& name,
                                      const std::vector<std::string>& selected) {
  std::vector<std::string> needs = graph.needs_of(name);
  std::erase_if(needs, [&](const std::string& need) {
    return std::find(selected.begin(), selected.end(), need) == selected.end();
  });
  return needs;
}

Plan build_plan(const spec::Spec& spec, const std::vector<std::string>& roots,
                const std::string& root_reason, NeedsScope scope = NeedsScope::with_needs) {
  const Graph graph = needs_graph(spec);
  const auto why = reasons(graph, roots, root_reason);
  std::vector<std::string> selected;
  if (scope == NeedsScope::with_needs) {
    selected = graph.closure(roots);
  } else {
    for (const auto& root : roots) {
      if (std::find(selected.begin(), selected.end(), root) == selected.end())
        selected.push_back(root);
    }
  }
  Plan plan;
  for (const auto& level : graph.levels(selected)) {
    std::vector<PlannedJob> planned;
    for (const auto& name : level) {
      const spec::Job* job = spec.find_job(name);
      PlannedJob p{name,
                   needs_within(graph, name, selected),
                   job && job->image ? job->image->value : "host",
                   {},
                   why.count(name) ? why.at(name) : "",
                   std::find(roots.begin(), roots.end(), name) != roots.end() ? Inclusion::asked
                                                                              : Inclusion::needed};
      if (job) {
        for (const auto& s : job->services)
          p.services.push_back(s.value);
      }
      planned.push_back(std::move(p));
    }
    plan.levels.push_back(std::move(planned));
  }
  std::set<std::string> images;
  collect_images(spec, selected, images);
  for (const auto& image : spec.images) {
    if (images.count(image.name))
      plan.images.push_back(image.name);
  }
  return plan;
}

std::vector<std::string> names(const std::vector<spec::Located<std::string>>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs)
    out.push_back(r.value);
  return out;
}

}  // namespace

Plan plan_for_ref(const spec::Spec& spec, const GitRefName& ref) {
  const spec::Flow* flow = select_flow(spec, ref);
  if (flow == nullptr) {
    Plan empty;
    empty.ref = ref;
    return empty;
  }
  Plan plan = build_plan(spec, names(flow->run), "in flow '" + flow->name + "'");
  plan.ref = ref;
  plan.flow = flow;
  plan.release = flow->release;
  if (flow->release && spec.find_image("release") != nullptr &&
      std::find(plan.images.begin(), plan.images.end(), "release") == plan.images.end()) {
    plan.images.push_back("release");
  }
  if (flow->promote) {
    plan.promote = flow->promote->value;
    if (const spec::Environment* env = spec.find_environment(*plan.promote)) {
      plan.verify = names(env->verify);
      std::set<std::string> images(plan.images.begin(), plan.images.end());
      const Graph graph = needs_graph(spec);
      std::set<std::string> verify_images;
      collect_images(spec, graph.closure(plan.verify), verify_images);
      // A promotion never rebuilds the release image: verify jobs run in the promoted digest.
      verify_images.erase("release");
      images.insert(verify_images.begin(), verify_images.end());
      plan.images.clear();
      for (const auto& image : spec.images) {
        if (images.count(image.name))
          plan.images.push_back(image.name);
      }
    }
  }
  return plan;
}

Plan plan_for_flow_jobs(const spec::Spec& spec, const spec::Flow& flow) {
  return build_plan(spec, names(flow.run), "in flow '" + flow.name + "'");
}

Plan plan_for_jobs(const spec::Spec& spec, const std::vector<std::string>& jobs, NeedsScope scope) {
  std::vector<std::string> roots = jobs;
  if (roots.empty()) {
    for (const auto& job : spec.jobs)
      roots.push_back(job.name);
  }
  return build_plan(spec, roots, jobs.empty() ? "all jobs" : "named on the command line", scope);
}

std::vector<const PlannedJob*> jobs_in_order(const Plan& plan) {
  std::vector<const PlannedJob*> out;
  for (const auto& level : plan.levels) {
    for (const auto& job : level)
      out.push_back(&job);
  }
  return out;
}

}  // namespace pw
