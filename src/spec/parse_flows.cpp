#include "spec/parse_sections.hpp"

namespace pw::spec {
namespace {

const std::vector<std::string> k_flow_keys = {"name", "branches", "tags",
                                              "run",  "release",  "promote"};

std::string joined(const std::vector<std::string>& patterns) {
  std::string out;
  for (const auto& p : patterns)
    out += (out.empty() ? "" : ",") + p;
  return out;
}

Flow parse_flow(YamlReader& reader, const YAML::Node& node, std::size_t index) {
  Flow flow;
  flow.pos = reader.pos(node);
  const std::string what = "flow #" + std::to_string(index + 1);
  const std::size_t problems = reader.problems();
  auto entries = reader.entries(node, what, k_flow_keys);
  if (!entries)
    return flow;
  // A misspelt key ("branch") was reported with "did you mean": no second message for it.
  const bool misspelt = reader.problems() > problems;
  int selectors = 0;
  for (const auto& e : *entries) {
    const std::string field = "'" + e.key + "' of " + what;
    if (e.key == "name") {
      flow.name = reader.string(e.value, field).value_or("");
    } else if (e.key == "branches" || e.key == "tags") {
      ++selectors;
      flow.ref_kind = e.key == "tags" ? RefKind::tag : RefKind::branch;
      for (auto& v : reader.string_list(e.value, field, Expand::no))
        flow.patterns.push_back(v.value);
      if (flow.patterns.empty()) {
        reader.error(e.value, field + " is empty", "list patterns, e.g. [main, \"release/*\"]");
      }
    } else if (e.key == "run") {
      flow.run = reader.string_list(e.value, field, Expand::no);
    } else if (e.key == "release") {
      flow.release = reader.boolean(e.value, field).value_or(false);
    } else if (e.key == "promote") {
      flow.promote = reader.located(e.value, field, Expand::no);
    }
  }
  if (selectors > 1 || (selectors == 0 && !misspelt)) {
    reader.error(flow.pos, what + " needs exactly one of 'branches' or 'tags'",
                 "e.g. branches: [\"feature/*\"]");
  }
  if (flow.run.empty() && !flow.release && !flow.promote) {
    reader.error(flow.pos, what + " does nothing", "give it 'run', 'release: true' or 'promote'");
  }
  if (flow.name.empty()) {
    flow.name = (flow.ref_kind == RefKind::tag ? "tags:" : "branches:") + joined(flow.patterns);
  }
  return flow;
}

}  // namespace

std::vector<Flow> parse_flows(YamlReader& reader, const YAML::Node& node) {
  std::vector<Flow> flows;
  if (!node.IsSequence()) {
    reader.error(node, "'flows' must be a list, not " + describe_node(node),
                 "e.g. flows:\n    - { branches: [\"feature/*\"], run: [unit] }");
    return flows;
  }
  reader.remember_empty_items(node);
  std::size_t index = 0;
  for (const auto& item : node)
    flows.push_back(parse_flow(reader, item, index++));
  return flows;
}

}  // namespace pw::spec
