#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "spec/model.hpp"
#include "spec/yaml_reader.hpp"

// One parser per top-level section of the spec; each records its problems in the reader and
// returns what it could read, so that later sections and the semantic checks still run.

namespace pw::spec {

/// Checks a name used for an image, job or environment (container-name characters).
bool check_name(YamlReader& reader, const std::string& name, SourcePos pos,
                const std::string& kind);

/// images: NAME: {dockerfile, context, target, args, secrets, cache_from, paths}
std::vector<Image> parse_images(YamlReader& reader, const YAML::Node& node);
/// services: NAME: {image, env, command, secrets, ready}
std::vector<Service> parse_services(YamlReader& reader, const YAML::Node& node);
/// jobs: NAME: {image | host, run, needs, services, env, secrets, timeout, reports, paths, workdir}
std::vector<Job> parse_jobs(YamlReader& reader, const YAML::Node& node);
/// environments: NAME: {git_tag, registry, tag, from, deploy, verify, approval}
std::vector<Environment> parse_environments(YamlReader& reader, const YAML::Node& node);
/// flows: - {name, branches | tags, run, release, promote}
std::vector<Flow> parse_flows(YamlReader& reader, const YAML::Node& node);
/// secrets: NAME: {env: VAR} | {file: PATH}
std::map<std::string, SecretSource> parse_secrets(YamlReader& reader, const YAML::Node& node);

}  // namespace pw::spec
