#include "spec/parse_sections.hpp"

namespace pw::spec {
namespace {

const std::vector<std::string> k_environment_keys = {"git_tag", "registry", "tag",     "from",
                                                     "deploy",  "verify",   "approval"};
const std::vector<std::string> k_approval_keys = {"required", "approvers"};

Approval parse_approval(YamlReader& reader, const YAML::Node& node, const std::string& what) {
  Approval approval;
  auto entries = reader.entries(node, what, k_approval_keys);
  if (!entries)
    return approval;
  approval.required = true;  // writing an approval block means approval is wanted
  for (const auto& e : *entries) {
    if (e.key == "required") {
      approval.required = reader.boolean(e.value, "'required' of " + what).value_or(true);
    } else if (e.key == "approvers") {
      for (auto& v : reader.string_list(e.value, "'approvers' of " + what)) {
        approval.approvers.push_back(v.value);
      }
    }
  }
  return approval;
}

Environment parse_environment(YamlReader& reader, const std::string& name, SourcePos pos,
                              const YAML::Node& node) {
  Environment env;
  env.name = name;
  env.pos = pos;
  env.tag = name;
  if (node.IsNull())
    return env;  // "integration:" alone: every default
  const std::string what = "environment '" + name + "'";
  auto entries = reader.entries(node, what, k_environment_keys);
  if (!entries)
    return env;
  for (const auto& e : *entries) {
    const std::string field = "'" + e.key + "' of " + what;
    if (e.key == "git_tag") {
      env.git_tag = reader.located(e.value, field);
    } else if (e.key == "registry") {
      env.repository = reader.string(e.value, field).value_or("");
    } else if (e.key == "tag") {
      env.tag = reader.string(e.value, field).value_or(name);
    } else if (e.key == "from") {
      env.from = reader.located(e.value, field, Expand::no);
    } else if (e.key == "deploy") {
      env.deploy = reader.located(e.value, field, Expand::no);
    } else if (e.key == "verify") {
      env.verify = reader.string_list(e.value, field, Expand::no);
    } else if (e.key == "approval") {
      env.approval = parse_approval(reader, e.value, "'approval' of " + what);
    }
  }
  return env;
}

}  // namespace

std::vector<Environment> parse_environments(YamlReader& reader, const YAML::Node& node) {
  std::vector<Environment> environments;
  auto entries = reader.entries(node, "'environments'", {});
  if (!entries)
    return environments;
  for (const auto& e : *entries) {
    check_name(reader, e.key, e.key_pos, "environment");
    environments.push_back(parse_environment(reader, e.key, e.key_pos, e.value));
  }
  return environments;
}

}  // namespace pw::spec
