#include "run/run_resources.hpp"

#include "core/error.hpp"

namespace pw::run {

RunResources::RunResources(docker::ContainerRuntime& runtime, RunIdentity identity)
    : runtime_(runtime), identity_(std::move(identity)) {}

RunResources::~RunResources() {
  release();
}

std::map<std::string, std::string> RunResources::labels(
    const std::map<std::string, std::string>& extra) const {
  auto all = identity_.labels();
  all.insert(extra.begin(), extra.end());
  return all;
}

std::string RunResources::network() {
  std::lock_guard lock(mutex_);
  if (network_.empty()) {
    const std::string name = "pipewright-" + identity_.run_id;
    auto created = runtime_.create_network(name, labels());
    if (!created)
      throw InfrastructureError(created.error().message);
    network_ = name;
  }
  return network_;
}

void RunResources::track(const std::string& container_id) {
  std::lock_guard lock(mutex_);
  containers_.insert(container_id);
}

void RunResources::remove(const std::string& container_id) {
  (void)runtime_.remove_container(container_id);  // release() retries what is left
  std::lock_guard lock(mutex_);
  containers_.erase(container_id);
}

std::string RunResources::release() {
  std::lock_guard lock(mutex_);
  std::string problems;
  for (const auto& id : containers_) {
    if (auto removed = runtime_.remove_container(id); !removed) {
      problems += removed.error().message + "\n";
    }
  }
  containers_.clear();
  if (!network_.empty()) {
    if (auto removed = runtime_.remove_network(network_); !removed) {
      problems += removed.error().message + "\n";
    }
    network_.clear();
  }
  return problems;
}

SweepResult sweep_dead_runs(docker::ContainerRuntime& runtime) {
  SweepResult result;
  auto containers = runtime.list_containers(k_label_run, "");
  if (!containers)
    throw InfrastructureError(containers.error().message);
  for (const auto& c : containers.value()) {
    auto owner = c.labels.find(k_label_owner);
    if (owner != c.labels.end() && owner_alive(owner->second))
      continue;
    if (auto removed = runtime.remove_container(c.id); removed) {
      ++result.containers;
    } else {
      result.problems.push_back(removed.error().message);
    }
  }
  // Networks after containers: a network with attached containers cannot be removed.
  auto networks = runtime.list_networks(k_label_run, "");
  if (!networks)
    throw InfrastructureError(networks.error().message);
  for (const auto& n : networks.value()) {
    auto owner = n.labels.find(k_label_owner);
    if (owner != n.labels.end() && owner_alive(owner->second))
      continue;
    if (auto removed = runtime.remove_network(n.id); removed) {
      ++result.networks;
    } else {
      result.problems.push_back(removed.error().message);
    }
  }
  return result;
}

}  // namespace pw::run
