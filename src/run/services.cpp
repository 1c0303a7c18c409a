#include "run/services.hpp"

#include <thread>

#include "run/tcp_probe.hpp"
#include "util/duration.hpp"

namespace pw::run {
namespace {

std::string describe_check(const spec::ReadyCheck& ready) {
  switch (ready.kind) {
    case spec::ReadyCheck::Kind::tcp:
      return "tcp port " + std::to_string(ready.port);
    case spec::ReadyCheck::Kind::command:
      return "ready command";
    case spec::ReadyCheck::Kind::healthcheck:
      return "image healthcheck";
    case spec::ReadyCheck::Kind::none:
      return "running";
  }
  return "running";
}

}  // namespace

ServicePool::ServicePool(
    const spec::Spec& spec, RunResources& resources, docker::ContainerRuntime& runtime,
    std::map<std::string, std::string> image_ids,
    std::function<std::map<std::string, std::string>(const spec::Service&)> env_of, ServiceLog log)
    : spec_(spec),
      resources_(resources),
      runtime_(runtime),
      image_ids_(std::move(image_ids)),
      env_of_(std::move(env_of)),
      log_(std::move(log)) {}

std::optional<std::string> ServicePool::ensure(const std::vector<std::string>& names,
                                               const std::atomic<bool>& stop) {
  // One lock for the whole start: jobs that need a service wait for it anyway.
  std::lock_guard lock(mutex_);
  for (const auto& name : names) {
    auto it = started_.find(name);
    if (it == started_.end()) {
      it = started_.emplace(name, start(*spec_.find_service(name), stop)).first;
    }
    if (it->second)
      return it->second;
  }
  return std::nullopt;
}

std::optional<std::string> ServicePool::start(const spec::Service& service,
                                              const std::atomic<bool>& stop) {
  const std::string network = resources_.network();
  docker::ContainerSpec container;
  auto image = image_ids_.find(service.image.value);
  container.image = image != image_ids_.end() ? image->second : service.image.value;
  container.name = "pipewright-" + resources_.identity().run_id + "-" + service.name;
  container.command = service.command;
  container.env = env_of_(service);
  container.labels = resources_.labels({{k_label_service, service.name}});
  container.network = network;
  container.network_aliases = {service.name};
  log_(service.name, "starting service '" + service.name + "' (" + service.image.value + ")");
  auto id = runtime_.create_container(container);
  if (!id)
    return "service '" + service.name + "' could not be created: " + id.error().message;
  resources_.track(id.value());
  if (auto started = runtime_.start_container(id.value()); !started) {
    return not_ready(service, id.value(), "it could not be started: " + started.error().message);
  }
  return wait_ready(service, id.value(), network, stop);
}

std::optional<std::string> ServicePool::wait_ready(const spec::Service& service,
                                                   const std::string& id,
                                                   const std::string& network,
                                                   const std::atomic<bool>& stop) {
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + service.ready.timeout;
  while (!stop.load()) {
    auto health = runtime_.health(id);
    if (health && !health.value().second) {
      return not_ready(service, id, "it exited before it was ready");
    }
    if (probe(service, id, network)) {
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
      log_(service.name, "service '" + service.name + "' ready (" + describe_check(service.ready) +
                             ") after " + format_duration(took));
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return not_ready(service, id,
                       "it was not ready (" + describe_check(service.ready) + ") within " +
                           format_duration(service.ready.timeout));
    }
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        service.ready.interval, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now()) +
                                    std::chrono::milliseconds(1)));
  }
  return "service '" + service.name + "': the run was stopped";
}

bool ServicePool::probe(const spec::Service& service, const std::string& id,
                        const std::string& network) {
  switch (service.ready.kind) {
    case spec::ReadyCheck::Kind::tcp: {
      auto ip = runtime_.ip_address(id, network);
      return ip && !ip.value().empty() &&
             tcp_connects(ip.value(), service.ready.port, std::chrono::milliseconds(500));
    }
    case spec::ReadyCheck::Kind::command: {
      // A probe that hangs must not outlive the readiness timeout.
      auto code = runtime_.exec(id, service.ready.command,
                                std::max(service.ready.interval, std::chrono::milliseconds(5000)));
      return code && code.value() == 0;
    }
    case spec::ReadyCheck::Kind::healthcheck: {
      auto health = runtime_.health(id);
      return health && health.value().first == "healthy";
    }
    case spec::ReadyCheck::Kind::none:
      return true;
  }
  return true;
}

std::string ServicePool::not_ready(const spec::Service& service, const std::string& id,
                                   const std::string& why) {
  std::string message = "service '" + service.name + "' failed: " + why;
  if (auto tail = runtime_.logs_tail(id, 20); tail && !tail.value().empty()) {
    message += "\nlast lines of its log:\n";
    std::size_t start = 0;
    const std::string& text = tail.value();
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos)
        end = text.size();
      message += "  | " + text.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  return message;
}

}  // namespace pw::run
