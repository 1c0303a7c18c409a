#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "docker/container_runtime.hpp"
#include "run/run_resources.hpp"
#include "spec/model.hpp"

// Service containers beside jobs: started once per run on the run's private network, reached
// by their name, each checked for readiness within its timeout.

namespace pw::run {

/// Where service progress and failures are told.
using ServiceLog = std::function<void(const std::string& service, const std::string& text)>;

/// Starts services on demand and remembers which are ready (thread-safe).
class ServicePool {
 public:
  /// image_ids maps spec image names to built image ids (a service may run a spec image);
  /// env_of gives a service's environment with secrets resolved.
  ServicePool(const spec::Spec& spec, RunResources& resources, docker::ContainerRuntime& runtime,
              std::map<std::string, std::string> image_ids,
              std::function<std::map<std::string, std::string>(const spec::Service&)> env_of,
              ServiceLog log);

  /// Makes sure every named service runs and is ready. Returns an error text (with the
  /// service's log tail) when one cannot be started or is not ready in time.
  std::optional<std::string> ensure(const std::vector<std::string>& names,
                                    const std::atomic<bool>& stop);

 private:
  std::optional<std::string> start(const spec::Service& service, const std::atomic<bool>& stop);
  std::optional<std::string> wait_ready(const spec::Service& service, const std::string& id,
                                        const std::string& network, const std::atomic<bool>& stop);
  bool probe(const spec::Service& service, const std::string& id, const std::string& network);
  std::string not_ready(const spec::Service& service, const std::string& id,
                        const std::string& why);

  const spec::Spec& spec_;
  RunResources& resources_;
  docker::ContainerRuntime& runtime_;
  std::map<std::string, std::string> image_ids_;
  std::function<std::map<std::string, std::string>(const spec::Service&)> env_of_;
  ServiceLog log_;
  std::mutex mutex_;
  std::map<std::string, std::optional<std::string>> started_;  // name → error (nullopt: ready)
};

}  // namespace pw::run
