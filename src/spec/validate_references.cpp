#include <unordered_set>

#include "spec/validate_checks.hpp"
#include "spec/variables.hpp"
#include "util/edit_distance.hpp"

namespace pw::spec {
namespace {

// Defined names: in spec order for hints, hashed for lookups (a hostile spec may name
// thousands of jobs in thousands of needs).
struct NameSet {
  std::vector<std::string> list;
  std::unordered_set<std::string> set;
  bool empty() const { return list.empty(); }
};

template <class T>
NameSet names_of(const std::vector<T>& items) {
  NameSet names;
  for (const auto& item : items) {
    names.list.push_back(item.name);
    names.set.insert(item.name);
  }
  return names;
}

// Reports ref when it is not one of names, with the nearest name as a hint; the underline
// covers span columns (0: the name's length).
void check_ref(const Located<std::string>& ref, const NameSet& defined, const std::string& kind,
               const std::string& where, Diagnostics& diagnostics, int span = 0) {
  if (defined.set.count(ref.value) != 0)
    return;
  const std::string message = "unknown " + kind + " '" + ref.value + "' in " + where;
  if (span == 0)
    span = static_cast<int>(ref.value.size());
  if (diagnostics.full()) {
    diagnostics.error(ref.pos, message, "", span);  // only counted: skip the costly hint
    return;
  }
  const std::vector<std::string>& names = defined.list;
  std::string hint;
  if (auto near = closest_match(ref.value, names)) {
    hint = "did you mean '" + *near + "'?";
  } else if (names.empty()) {
    hint = "no " + kind + " is defined";
  } else {
    hint = "defined " + kind + "s: ";
    for (std::size_t i = 0; i < names.size() && i < 8; ++i)
      hint += (i ? ", " : "") + names[i];
    if (names.size() > 8)
      hint += ", ...";
  }
  diagnostics.error(ref.pos, message, hint, span);
}

struct Names {
  NameSet images, services, jobs, environments, secrets;
};

void check_secret_refs(const std::vector<Located<std::string>>& refs, const Names& names,
                       const std::string& where, Diagnostics& diagnostics) {
  for (const auto& ref : refs) {
    if (!is_variable_name(ref.value)) {
      diagnostics.error(ref.pos, "invalid secret name '" + ref.value + "' in " + where,
                        "secret names are letters, digits and '_'",
                        static_cast<int>(ref.value.size()));
    } else if (!names.secrets.empty()) {
      check_ref(ref, names.secrets, "secret", where, diagnostics);
    }
  }
}

// ${secret:NAME} inside env values must name a declared secret when secrets are declared.
void check_env_secrets(const VarList& env, const Names& names, const std::string& where,
                       Diagnostics& diagnostics) {
  if (names.secrets.empty())
    return;
  for (const auto& [key, value] : env) {
    for (const auto& secret : secret_references(value.value)) {
      // value.pos is where the value starts: a placeholder there is underlined whole, one
      // further in gets a caret at the value's start.
      const std::string written = "${secret:" + secret + "}";
      const int span = value.value.starts_with(secret_placeholder(secret))
                           ? static_cast<int>(written.size())
                           : 1;
      check_ref({secret, value.pos}, names.secrets, "secret", "'" + key + "' of " + where,
                diagnostics, span);
    }
  }
}

void check_job(const Job& job, const Names& names, Diagnostics& diagnostics) {
  const std::string where = "job '" + job.name + "'";
  if (job.image)
    check_ref(*job.image, names.images, "image", where, diagnostics);
  for (const auto& need : job.needs) {
    if (need.value == job.name) {
      diagnostics.error(need.pos, where + " needs itself", "remove '" + need.value + "' from needs",
                        static_cast<int>(need.value.size()));
    } else {
      check_ref(need, names.jobs, "job", "'needs' of " + where, diagnostics);
    }
  }
  for (const auto& service : job.services) {
    check_ref(service, names.services, "service", where, diagnostics);
    if (job.place == JobPlace::host) {
      diagnostics.error(service.pos,
                        "host " + where + " cannot use service '" + service.value + "'",
                        "services live on the run's container network; run the job in an image",
                        static_cast<int>(service.value.size()));
    }
  }
  check_secret_refs(job.secrets, names, where, diagnostics);
  check_env_secrets(job.env, names, where, diagnostics);
}

void check_environment(const Environment& env, const Names& names, Diagnostics& diagnostics) {
  const std::string where = "environment '" + env.name + "'";
  if (env.from) {
    if (env.from->value == env.name) {
      diagnostics.error(env.from->pos, where + " cannot be promoted from itself",
                        "name the environment it is promoted from, or remove 'from'",
                        static_cast<int>(env.from->value.size()));
    } else {
      check_ref(*env.from, names.environments, "environment", "'from' of " + where, diagnostics);
    }
  }
  for (const auto& job : env.verify) {
    check_ref(job, names.jobs, "job", "'verify' of " + where, diagnostics);
  }
}

void check_flow(const Spec& spec, const Flow& flow, const Names& names, Diagnostics& diagnostics) {
  const std::string where = "flow '" + flow.name + "'";
  for (const auto& job : flow.run)
    check_ref(job, names.jobs, "job", where, diagnostics);
  if (flow.promote) {
    check_ref(*flow.promote, names.environments, "environment", where, diagnostics);
  }
  if (flow.release && spec.find_image("release") == nullptr) {
    diagnostics.error(flow.pos, where + " releases, but the spec has no image named 'release'",
                      "add images: { release: { dockerfile: ... } }");
  }
}

}  // namespace

void check_references(const Spec& spec, Diagnostics& diagnostics) {
  Names names{names_of(spec.images),
              names_of(spec.services),
              names_of(spec.jobs),
              names_of(spec.environments),
              {}};
  for (const auto& [name, source] : spec.secrets) {
    names.secrets.list.push_back(name);
    names.secrets.set.insert(name);
  }
  for (const auto& image : spec.images) {
    check_secret_refs(image.secrets, names, "image '" + image.name + "'", diagnostics);
  }
  for (const auto& service : spec.services) {
    const std::string where = "service '" + service.name + "'";
    check_secret_refs(service.secrets, names, where, diagnostics);
    check_env_secrets(service.env, names, where, diagnostics);
  }
  for (const auto& job : spec.jobs)
    check_job(job, names, diagnostics);
  for (const auto& env : spec.environments)
    check_environment(env, names, diagnostics);
  for (const auto& flow : spec.flows)
    check_flow(spec, flow, names, diagnostics);
}

}  // namespace pw::spec
