#include <algorithm>
#include <array>
#include <map>

#include "ci/ci_export.hpp"
#include "ci/export_glob.hpp"
#include "ci/export_model.hpp"
#include "ci/export_yaml.hpp"
#include "core/error.hpp"

namespace pw::ci {
namespace {

constexpr std::string_view k_state_ignore = ".pipewright/.gitignore";
constexpr std::string_view k_job_cache = ".pipewright/cache/jobs/";
constexpr std::string_view k_junit_dir = ".pipewright/ci/junit/";

// Top-level keys of .gitlab-ci.yml (and `pages`, a job with a meaning of its own): a spec
// job of that name gets the prefix "job:". Spec names never hold ':', so the prefixed names
// and the generated "pipewright:release" and "promote:ENV" cannot clash with them.
bool reserved(std::string_view name) {
  static constexpr std::array<std::string_view, 13> k_reserved = {
      "default", "include", "stages", "variables",     "workflow",     "image", "services",
      "cache",   "types",   "pages",  "before_script", "after_script", "spec"};
  return std::find(k_reserved.begin(), k_reserved.end(), name) != k_reserved.end();
}

std::string job_name(std::string_view name) {
  return reserved(name) ? "job:" + std::string(name) : std::string(name);
}

std::string flow_condition(const spec::Flow& flow) {
  const std::string variable =
      flow.ref_kind == spec::RefKind::tag ? "$CI_COMMIT_TAG" : "$CI_COMMIT_BRANCH";
  std::string out;
  for (const auto& pattern : flow.patterns) {
    if (!out.empty())
      out += " || ";
    out += variable + " =~ /" + glob_to_regex(pattern) + "/";
  }
  return out;
}

// `rules:` reproducing "the first flow matching the ref wins": every flow up to the last one
// in set (per ref kind) gets a rule, in spec order; those not in set say `when: never`.
void put_rules(YAML::Emitter& out, const spec::Spec& spec, const std::vector<std::string>& conds,
               const FlowSet& set, std::string_view when) {
  std::map<spec::RefKind, std::size_t> end;
  for (std::size_t f = 0; f < set.size(); ++f) {
    if (set[f])
      end[spec.flows[f].ref_kind] = f + 1;
  }
  out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
  for (std::size_t f = 0; f < set.size(); ++f) {
    const auto it = end.find(spec.flows[f].ref_kind);
    if (it == end.end() || f >= it->second)
      continue;
    out << YAML::BeginMap;
    put_entry(out, "if", conds[f]);
    if (!set[f])
      put_entry(out, "when", "never");
    else if (!when.empty())
      put_entry(out, "when", when);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

// A manual job in every branch and tag pipeline (not in merge-request pipelines, which a rule
// without `if:` would create), which does not block the pipeline.
void put_manual_everywhere(YAML::Emitter& out) {
  out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  put_entry(out, "if", "$CI_COMMIT_BRANCH || $CI_COMMIT_TAG");
  put_entry(out, "when", "manual");
  out << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "allow_failure" << YAML::Value << true;
}

void put_script(YAML::Emitter& out, const std::vector<std::string>& lines) {
  out << YAML::Key << "script" << YAML::Value << YAML::BeginSeq;
  for (const auto& line : lines)
    put_string(out, line);
  out << YAML::EndSeq;
}

void put_run_job(YAML::Emitter& out, const spec::Spec& spec, const ExportSettings& settings,
                 const std::vector<std::string>& conds, const spec::Job& job,
                 const FlowSet& flows) {
  const bool in_flow = any_flow(flows);
  out << YAML::Key;
  put_string(out, job_name(job.name));
  out << YAML::Value << YAML::BeginMap;
  put_entry(out, "stage", "test");
  // Explicit needs (an empty list for roots) start each job as soon as what it needs passed,
  // and hand it their artifacts: the job cache, so `pipewright run JOB` finds them done.
  out << YAML::Key << "needs" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& need : job.needs) {
    if (in_flow) {
      put_string(out, job_name(need.value));
    } else {
      // A job no flow runs is started by hand, in pipelines that may not hold its needs.
      out << YAML::BeginMap;
      put_entry(out, "job", job_name(need.value));
      out << YAML::Key << "optional" << YAML::Value << true << YAML::EndMap;
    }
  }
  out << YAML::EndSeq;
  if (in_flow) {
    put_rules(out, spec, conds, flows, "");
  } else {
    put_manual_everywhere(out);
  }
  std::vector<std::string> args = {"run", "--only", job.name};
  const std::string junit = std::string(k_junit_dir) + job.name + ".xml";
  if (!job.junit.empty()) {
    args.push_back("--junit");
    args.push_back(junit);
  }
  put_script(out, {pipewright_command(settings, args)});
  out << YAML::Key << "artifacts" << YAML::Value << YAML::BeginMap;
  put_entry(out, "when", "always");
  put_entry(out, "expire_in", "1 week");
  std::vector<std::string> paths = {std::string(k_state_ignore), std::string(k_job_cache)};
  if (!job.junit.empty())
    paths.push_back(junit);
  put_list(out, "paths", paths);
  if (!job.junit.empty()) {
    out << YAML::Key << "reports" << YAML::Value << YAML::BeginMap;
    put_entry(out, "junit", junit);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::EndMap;
}

void put_release_job(YAML::Emitter& out, const spec::Spec& spec, const ExportSettings& settings,
                     const std::vector<std::string>& conds, const FlowSet& flows) {
  out << YAML::Key << "pipewright:release" << YAML::Value << YAML::BeginMap;
  put_entry(out, "stage", "release");
  // No `needs`: the stage order makes it wait for every job of the pipeline.
  put_rules(out, spec, conds, flows, "");
  put_script(out, {fetch_state_command(settings), pipewright_command(settings, {"release"}),
                   pipewright_command(settings, {"push"}) + " \"$PIPEWRIGHT_REMOTE\""});
  out << YAML::EndMap;
}

void put_promote_job(YAML::Emitter& out, const spec::Spec& spec, const ExportSettings& settings,
                     const std::vector<std::string>& conds, const spec::Environment& environment,
                     const FlowSet& flows) {
  out << YAML::Key;
  put_string(out, "promote:" + environment.name);
  out << YAML::Value << YAML::BeginMap;
  put_entry(out, "stage", "promote");
  if (any_flow(flows)) {
    put_rules(out, spec, conds, flows, "manual");
  } else {
    // No flow promotes here: a manual job in every pipeline, which does not block it.
    put_manual_everywhere(out);
  }
  out << YAML::Key << "environment" << YAML::Value << YAML::BeginMap;
  put_entry(out, "name", environment.name);
  out << YAML::EndMap;
  // Whoever starts the manual job approves it (GitLab's protected environments decide who
  // may); the name is recorded with the promotion.
  std::string promote = pipewright_command(settings, {"promote", environment.name});
  if (environment.approval.required)
    promote += " --approved-by \"$GITLAB_USER_LOGIN\"";
  put_script(out, {fetch_state_command(settings), promote,
                   pipewright_command(settings, {"push"}) + " \"$PIPEWRIGHT_REMOTE\""});
  out << YAML::EndMap;
}

}  // namespace

std::string export_gitlab(const spec::Spec& spec, const ExportSettings& settings) {
  const ExportModel model = build_export_model(spec);
  std::vector<std::string> conds;
  conds.reserve(spec.flows.size());
  for (const auto& flow : spec.flows)
    conds.push_back(flow_condition(flow));
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "variables" << YAML::Value << YAML::BeginMap;
  put_entry(out, "PIPEWRIGHT", "pipewright");
  put_entry(out, "PIPEWRIGHT_REMOTE", "origin");
  out << YAML::EndMap;
  put_list(out, "stages", {"test", "release", "promote"});
  for (std::size_t j = 0; j < spec.jobs.size(); ++j)
    put_run_job(out, spec, settings, conds, spec.jobs[j], model.job_flows[j]);
  if (any_flow(model.release_flows))
    put_release_job(out, spec, settings, conds, model.release_flows);
  for (std::size_t e = 0; e < model.promoted_environments.size(); ++e) {
    const spec::Environment* environment = spec.find_environment(model.promoted_environments[e]);
    put_promote_job(out, spec, settings, conds, *environment, model.promote_flows[e]);
  }
  out << YAML::EndMap;
  return render_document(header_lines(CiSystem::gitlab, settings), out);
}

}  // namespace pw::ci
