#include "docker/docker_cli.hpp"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/interrupt.hpp"
#include "util/temp_dir.hpp"

namespace pw::docker {
namespace {

std::string last_line(const std::string& text) {
  std::size_t end = text.find_last_not_of("\n ");
  if (end == std::string::npos)
    return {};
  std::size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end + 1 - (start == std::string::npos ? 0 : start + 1));
}

DockerFailure failure(const std::string& what, const proc::Captured& c) {
  std::string detail = last_line(c.err);
  if (detail.empty())
    detail = c.status.describe();
  return DockerFailure{what + ": " + detail};
}

std::map<std::string, std::string> labels_of(const nlohmann::json& config) {
  std::map<std::string, std::string> labels;
  if (config.contains("Labels") && config["Labels"].is_object()) {
    for (const auto& [k, v] : config["Labels"].items()) {
      if (v.is_string())
        labels[k] = v.get<std::string>();
    }
  }
  return labels;
}

ImageInfo parse_image(const nlohmann::json& j) {
  ImageInfo info;
  info.id = j.value("Id", "");
  if (j.contains("RepoTags") && j["RepoTags"].is_array()) {
    info.repo_tags = j["RepoTags"].get<std::vector<std::string>>();
  }
  if (j.contains("RepoDigests") && j["RepoDigests"].is_array()) {
    info.repo_digests = j["RepoDigests"].get<std::vector<std::string>>();
  }
  if (j.contains("Config") && j["Config"].is_object())
    info.labels = labels_of(j["Config"]);
  info.created = j.value("Created", "");
  return info;
}

}  // namespace

std::string docker_endpoint_description() {
  const char* host = std::getenv("DOCKER_HOST");
  if (host != nullptr && *host != '\0')
    return std::string("DOCKER_HOST=") + host;
  return "the default socket unix:///var/run/docker.sock (DOCKER_HOST is not set)";
}

DockerCli::DockerCli(proc::ProcessRunner& runner, std::string binary) : runner_(runner) {
  if (binary.empty()) {
    const char* configured = std::getenv("PIPEWRIGHT_DOCKER");
    binary = configured != nullptr && *configured != '\0' ? configured : "docker";
  }
  binary_ = std::move(binary);
}

proc::Captured DockerCli::docker(std::vector<std::string> args) {
  proc::Command command;
  command.argv.push_back(binary_);
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.timeout = std::chrono::minutes(2);  // metadata calls; builds use their own timeout
  return proc::capture(runner_, command);
}

Result<std::string, DockerFailure> DockerCli::server_version() {
  const auto c = docker({"version", "--format", "{{.Server.Version}}"});
  if (c.status.kind == proc::ExitStatus::Kind::failed_to_start) {
    return DockerFailure{"cannot run the Docker client '" + binary_ + "': " + c.status.describe() +
                         " (install docker.io, or set PIPEWRIGHT_DOCKER)"};
  }
  if (!c.status.ok()) {
    return DockerFailure{"the Docker daemon does not answer at " + docker_endpoint_description() +
                         ": " + last_line(c.err)};
  }
  return last_line(c.out);
}

std::vector<std::string> DockerCli::build_argv(const BuildRequest& request,
                                               const std::filesystem::path& iid_file) const {
  std::vector<std::string> argv = {
      binary_,     "build",          "--progress=plain", "--file", request.dockerfile.string(),
      "--iidfile", iid_file.string()};
  if (request.target)
    argv.insert(argv.end(), {"--target", *request.target});
  for (const auto& [name, value] : request.args) {
    argv.insert(argv.end(), {"--build-arg", name + "=" + value});
  }
  for (const auto& secret : request.secrets) {
    argv.insert(argv.end(), {"--secret", "id=" + secret.id + ",src=" + secret.file.string()});
  }
  for (const auto& ref : request.cache_from)
    argv.insert(argv.end(), {"--cache-from", ref});
  for (const auto& [key, value] : request.labels) {
    argv.insert(argv.end(), {"--label", key + "=" + value});
  }
  for (const auto& tag : request.tags)
    argv.insert(argv.end(), {"--tag", tag});
  argv.push_back(request.context_dir.string());
  return argv;
}

BuildOutcome DockerCli::build(const BuildRequest& request, const proc::LineSink& sink) {
  TempDir scratch("pipewright-build");
  const auto iid_file = scratch.path() / "image-id";
  proc::Command command;
  command.argv = build_argv(request, iid_file);
  command.env["DOCKER_BUILDKIT"] = "1";
  command.timeout = request.timeout;
  command.cancel = request.cancel;
  BuildOutcome outcome;
  outcome.status = runner_.run(command, sink);
  if (outcome.status.ok()) {
    std::ifstream in(iid_file);
    std::getline(in, outcome.image_id);
  }
  return outcome;
}

Result<std::optional<ImageInfo>, DockerFailure> DockerCli::find_image(const std::string& key,
                                                                      const std::string& value) {
  const auto c = docker({"image", "ls", "--no-trunc", "--format", "{{.ID}}", "--filter",
                         "label=" + key + "=" + value});
  if (!c.status.ok())
    return failure("listing images labelled " + key + "=" + value, c);
  const std::string id = c.out.substr(0, c.out.find('\n'));
  if (id.empty())
    return std::optional<ImageInfo>{};
  return inspect_image(id);
}

Result<std::optional<ImageInfo>, DockerFailure> DockerCli::inspect_image(const std::string& ref) {
  const auto c = docker({"image", "inspect", "--format", "{{json .}}", ref});
  if (!c.status.ok()) {
    if (c.err.find("No such image") != std::string::npos)
      return std::optional<ImageInfo>{};
    return failure("inspecting image " + ref, c);
  }
  try {
    return std::optional<ImageInfo>{parse_image(nlohmann::json::parse(c.out))};
  } catch (const nlohmann::json::exception& e) {
    return DockerFailure{"inspecting image " + ref + ": unreadable answer: " + e.what()};
  }
}

Result<void, DockerFailure> DockerCli::tag(const std::string& image, const std::string& tag) {
  const auto c = docker({"tag", image, tag});
  if (!c.status.ok())
    return failure("tagging " + image + " as " + tag, c);
  return success();
}

Result<void, DockerFailure> DockerCli::push(const std::string& reference) {
  proc::Command command;
  command.argv = {binary_, "push", reference};
  command.timeout = std::chrono::minutes(30);  // layers of a large image over a slow link
  command.cancel = &interrupt_flag();          // Ctrl-C stops the push
  const auto c = proc::capture(runner_, command);
  if (!c.status.ok())
    return failure("pushing " + reference, c);
  return success();
}

}  // namespace pw::docker
