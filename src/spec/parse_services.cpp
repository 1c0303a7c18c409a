#include "spec/parse_sections.hpp"

namespace pw::spec {
namespace {

const std::vector<std::string> k_service_keys = {"image", "env", "command", "secrets", "ready"};
const std::vector<std::string> k_ready_keys = {"tcp", "command", "healthcheck", "timeout",
                                               "interval"};

ReadyCheck parse_ready(YamlReader& reader, const YAML::Node& node, const std::string& what) {
  ReadyCheck ready;
  const std::size_t problems = reader.problems();
  auto entries = reader.entries(node, what, k_ready_keys);
  if (!entries)
    return ready;
  // A misspelt key ("tpc") was reported with "did you mean": no second message for it.
  const bool misspelt = reader.problems() > problems;
  int kinds = 0;
  for (const auto& e : *entries) {
    const std::string field = "'" + e.key + "' of " + what;
    if (e.key == "tcp") {
      ++kinds;
      ready.kind = ReadyCheck::Kind::tcp;
      ready.port = reader.integer(e.value, field, 1, 65535).value_or(0);
    } else if (e.key == "command") {
      ++kinds;
      ready.kind = ReadyCheck::Kind::command;
      for (auto& v : reader.string_list(e.value, field))
        ready.command.push_back(v.value);
    } else if (e.key == "healthcheck") {
      ++kinds;
      ready.kind = ReadyCheck::Kind::healthcheck;
      if (reader.boolean(e.value, field) == false)
        ready.kind = ReadyCheck::Kind::none;
    } else if (e.key == "timeout") {
      if (auto d = reader.duration(e.value, field))
        ready.timeout = *d;
    } else if (e.key == "interval") {
      if (auto d = reader.duration(e.value, field))
        ready.interval = *d;
    }
  }
  if (kinds > 1 || (kinds == 0 && !misspelt)) {
    reader.error(node, what + " needs exactly one of 'tcp', 'command' or 'healthcheck'",
                 "e.g. ready: { tcp: 5432 }");
  }
  return ready;
}

Service parse_service(YamlReader& reader, const std::string& name, SourcePos pos,
                      const YAML::Node& node) {
  Service service;
  service.name = name;
  service.pos = pos;
  const std::string what = "service '" + name + "'";
  auto entries = reader.entries(node, what, k_service_keys);
  if (!entries)
    return service;
  reader.require(*entries, {"image"}, pos, what);
  for (const auto& e : *entries) {
    const std::string field = "'" + e.key + "' of " + what;
    if (e.key == "image") {
      if (auto v = reader.located(e.value, field))
        service.image = *v;
    } else if (e.key == "env") {
      service.env = reader.var_map(e.value, field, Expand::with_secrets);
    } else if (e.key == "command") {
      for (auto& v : reader.string_list(e.value, field))
        service.command.push_back(v.value);
    } else if (e.key == "secrets") {
      service.secrets = reader.string_list(e.value, field, Expand::no);
    } else if (e.key == "ready") {
      service.ready = parse_ready(reader, e.value, "'ready' of " + what);
    }
  }
  return service;
}

// Service names become DNS aliases on the run's network, so they follow hostname rules.
bool is_dns_label(const std::string& name) {
  if (name.empty() || name.size() > 63 || name.front() == '-' || name.back() == '-')
    return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return false;
  }
  return true;
}

}  // namespace

std::vector<Service> parse_services(YamlReader& reader, const YAML::Node& node) {
  std::vector<Service> services;
  auto entries = reader.entries(node, "'services'", {});
  if (!entries)
    return services;
  for (const auto& e : *entries) {
    if (!is_dns_label(e.key)) {
      reader.error(e.key_pos, "invalid service name '" + e.key + "'",
                   "service names are host names on the run's network: lowercase letters, "
                   "digits and '-', at most 63 characters",
                   static_cast<int>(e.key.size()));
    }
    services.push_back(parse_service(reader, e.key, e.key_pos, e.value));
  }
  return services;
}

}  // namespace pw::spec
