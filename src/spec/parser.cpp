#include "spec/parser.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "spec/parse_sections.hpp"
#include "spec/yaml_reader.hpp"

namespace pw::spec {
namespace {

const std::vector<std::string> k_top_keys = {"version",  "name",     "registry",     "variables",
                                             "secrets",  "images",   "services",     "jobs",
                                             "environments", "flows"};

std::optional<YAML::Node> parse_yaml(const std::string& source, Diagnostics& diagnostics) {
  try {
    return YAML::Load(source);
  } catch (const YAML::DeepRecursion& e) {
    diagnostics.error({e.mark.line + 1, e.mark.column + 1}, "the YAML is nested too deeply",
                      "a pipeline spec needs only a few levels of nesting");
  } catch (const YAML::ParserException& e) {
    diagnostics.error({e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    diagnostics.error({e.mark.line + 1, e.mark.column + 1}, "invalid YAML: " + e.msg);
  }
  return std::nullopt;
}

// Spec variables apply where the environment does not set a name (the CI or the user wins).
VarLookup with_spec_variables(const VarLookup& env, const VarList& variables) {
  return [env, variables](std::string_view name) -> std::optional<std::string> {
    if (auto value = env(name)) return value;
    for (const auto& [key, value] : variables) {
      if (key == name) return value.value;
    }
    return std::nullopt;
  };
}

void parse_header(YamlReader& reader, const std::vector<MapEntry>& entries, Spec& spec) {
  for (const auto& e : entries) {
    if (e.key == "version") {
      if (auto v = reader.integer(e.value, "'version'", 1, 1000)) {
        spec.version = *v;
        if (*v != 1) reader.error(e.value, "unsupported spec version " + std::to_string(*v),
                                  "this pipewright reads version 1");
      }
    } else if (e.key == "name") {
      if (auto v = reader.string(e.value, "'name'")) {
        spec.name = *v;
        check_name(reader, *v, reader.pos(e.value), "project");
      }
    } else if (e.key == "variables") {
      spec.variables = reader.var_map(e.value, "'variables'");
    }
  }
}

void parse_body(YamlReader& reader, const std::vector<MapEntry>& entries, Spec& spec) {
  for (const auto& e : entries) {
    if (e.key == "registry") {
      spec.registry = reader.string(e.value, "'registry'").value_or("");
    } else if (e.key == "secrets") {
      spec.secrets = parse_secrets(reader, e.value);
    } else if (e.key == "images") {
      spec.images = parse_images(reader, e.value);
    } else if (e.key == "services") {
      spec.services = parse_services(reader, e.value);
    } else if (e.key == "jobs") {
      spec.jobs = parse_jobs(reader, e.value);
    } else if (e.key == "environments") {
      spec.environments = parse_environments(reader, e.value);
    } else if (e.key == "flows") {
      spec.flows = parse_flows(reader, e.value);
    }
  }
}

}  // namespace

Spec parse_spec(const std::string& source, const VarLookup& env, Diagnostics& diagnostics) {
  Spec spec;
  if (source.size() > k_max_spec_bytes) {
    diagnostics.error({}, "the spec is " + std::to_string(source.size() / 1024) +
                              " KiB; the limit is " + std::to_string(k_max_spec_bytes / 1024) +
                              " KiB",
                      "is this really a pipeline spec?");
    return spec;
  }
  auto document = parse_yaml(source, diagnostics);
  if (!document) return spec;
  YamlReader reader(diagnostics, source, env);
  if (document->IsNull()) {
    diagnostics.error({1, 1}, "the spec is empty", "start with 'version: 1' and 'name: <project>'");
    return spec;
  }
  auto entries = reader.entries(*document, "the spec", k_top_keys);
  if (!entries) return spec;
  reader.require(*entries, {"version", "name", "jobs"}, {1, 1}, "the spec");
  parse_header(reader, *entries, spec);
  reader.set_lookup(with_spec_variables(env, spec.variables));
  parse_body(reader, *entries, spec);
  if (spec.registry.empty()) spec.registry = "localhost:5000/" + spec.name;
  for (auto& environment : spec.environments) {
    if (environment.repository.empty()) environment.repository = spec.registry;
  }
  return spec;
}

}  // namespace pw::spec
