#include <algorithm>
#include <map>
#include <set>

#include "ci/ci_export.hpp"
#include "ci/export_glob.hpp"
#include "ci/export_model.hpp"
#include "ci/export_yaml.hpp"
#include "core/error.hpp"

namespace pw::ci {
namespace {

constexpr std::string_view k_plan_id = "pipewright-plan";
constexpr std::string_view k_release_id = "pipewright-release";
constexpr std::string_view k_runs_on = "${{ vars.PIPEWRIGHT_RUNNER || 'ubuntu-latest' }}";
constexpr std::string_view k_junit_dir = ".pipewright/ci/junit/";
// Needs that failed or were cancelled stop the job; skipped ones (jobs this ref's plan does
// not run) do not.
constexpr std::string_view k_needs_passed =
    "always() && needs.pipewright-plan.result == 'success' && "
    "!contains(needs.*.result, 'failure') && !contains(needs.*.result, 'cancelled')";

// A string literal of GitHub's expression language.
std::string expression_string(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    out += c;
    if (c == '\'')
      out += '\'';
  }
  return out + "'";
}

// GitHub job ids are [A-Za-z_][A-Za-z0-9_-]*; spec names also allow '.' and a leading digit.
std::string github_id(std::string_view name) {
  std::string out;
  if (!name.empty() && name.front() >= '0' && name.front() <= '9')
    out += '_';
  for (const char c : name)
    out += c == '.' ? '_' : c;
  return out;
}

// Job ids for the spec's jobs and environments; throws SpecError when two map to one id.
class JobIds {
 public:
  explicit JobIds(const spec::Spec& spec) {
    claim(std::string(k_plan_id), "the plan job");
    claim(std::string(k_release_id), "the release job");
    for (const auto& job : spec.jobs)
      jobs_[job.name] = claim(github_id(job.name), "job '" + job.name + "'");
    for (const auto& environment : spec.environments)
      promotions_[environment.name] = claim("promote-" + github_id(environment.name),
                                            "the promotion to '" + environment.name + "'");
  }
  const std::string& job(const std::string& name) const { return jobs_.at(name); }
  const std::string& promotion(const std::string& name) const { return promotions_.at(name); }

 private:
  std::string claim(const std::string& id, const std::string& what) {
    const auto [it, added] = owners_.emplace(id, what);
    if (!added)
      throw SpecError("cannot export to GitHub Actions: " + it->second + " and " + what +
                      " both become job id '" + id +
                      "' (GitHub allows only letters, digits, '_' and '-'); rename one");
    return id;
  }
  std::map<std::string, std::string> owners_;
  std::map<std::string, std::string> jobs_;
  std::map<std::string, std::string> promotions_;
};

// A multi-line script: a literal block when it is printable, else a quoted string.
void put_script(YAML::Emitter& out, const std::string& script) {
  const bool literal = std::all_of(script.begin(), script.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return c == '\n' || (u >= 0x20 && u != 0x7f && u < 0x80);
  });
  out << YAML::Key << "run" << YAML::Value;
  if (literal && script.find('\n') != std::string::npos)
    out << YAML::Literal << script;
  else
    put_string(out, script);
}

void put_checkout(YAML::Emitter& out, bool full_history) {
  out << YAML::BeginMap;
  put_entry(out, "uses", "actions/checkout@v4");
  if (full_history) {
    out << YAML::Key << "with" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "fetch-depth" << YAML::Value << 0;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void put_on(YAML::Emitter& out, const spec::Spec& spec) {
  std::vector<std::string> branches;
  std::vector<std::string> tags;
  for (const auto& flow : spec.flows) {
    auto& list = flow.ref_kind == spec::RefKind::tag ? tags : branches;
    for (const auto& pattern : flow.patterns) {
      for (auto& filter : glob_to_github_filters(pattern)) {
        if (std::find(list.begin(), list.end(), filter) == list.end())
          list.push_back(std::move(filter));
      }
    }
  }
  out << YAML::Key << "on" << YAML::Value << YAML::BeginMap;
  if (!branches.empty() || !tags.empty()) {
    // Only the listed kinds of refs trigger: no tags: key means no tag pushes, and so on.
    out << YAML::Key << "push" << YAML::Value << YAML::BeginMap;
    if (!branches.empty())
      put_list(out, "branches", branches);
    if (!tags.empty())
      put_list(out, "tags", tags);
    out << YAML::EndMap;
  }
  out << YAML::Key << "workflow_dispatch" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "inputs" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "promote" << YAML::Value << YAML::BeginMap;
  put_entry(out, "description",
            "Promote the chosen ref's commit to this environment (none: run the ref's flow)");
  put_entry(out, "type", "choice");
  std::vector<std::string> options = {"none"};
  for (const auto& environment : spec.environments)
    options.push_back(environment.name);
  put_list(out, "options", options);
  put_entry(out, "default", "none");
  out << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  out << YAML::EndMap;
}

void put_plan_job(YAML::Emitter& out, const ExportSettings& settings) {
  out << YAML::Key << k_plan_id.data() << YAML::Value << YAML::BeginMap;
  put_entry(out, "name", "plan");
  put_entry(out, "runs-on", k_runs_on);
  out << YAML::Key << "outputs" << YAML::Value << YAML::BeginMap;
  put_entry(out, "jobs", "${{ steps.plan.outputs.jobs }}");
  put_entry(out, "release", "${{ steps.plan.outputs.release }}");
  put_entry(out, "promote", "${{ steps.plan.outputs.promote }}");
  out << YAML::EndMap;
  out << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
  put_checkout(out, false);
  out << YAML::BeginMap;
  put_entry(out, "id", "plan");
  put_entry(out, "name", "pipewright plan");
  out << YAML::Key << "env" << YAML::Value << YAML::BeginMap;
  put_entry(out, "PROMOTE_INPUT", "${{ inputs.promote }}");
  out << YAML::EndMap;
  const std::string plan_file = "\"$RUNNER_TEMP/pipewright-plan.json\"";
  put_script(out,
             "set -eu\n"
             "if [ \"${PROMOTE_INPUT:-none}\" != none ]; then\n"
             "  { echo 'jobs=[]'; echo 'release=false'; echo \"promote=$PROMOTE_INPUT\"; } >> "
             "\"$GITHUB_OUTPUT\"\n"
             "  exit 0\n"
             "fi\n"
             "kind=--branch\n"
             "if [ \"$GITHUB_REF_TYPE\" = tag ]; then kind=--tag; fi\n" +
                 pipewright_command(settings, {"plan"}) +
                 " \"$kind\" \"$GITHUB_REF_NAME\" --json > " + plan_file +
                 "\n"
                 "{\n"
                 "  echo \"jobs=$(jq -c '[.levels[][]]' " +
                 plan_file +
                 ")\"\n"
                 "  echo \"release=$(jq -r '.release' " +
                 plan_file +
                 ")\"\n"
                 "  echo \"promote=$(jq -r '.promote // \"\"' " +
                 plan_file +
                 ")\"\n"
                 "} >> \"$GITHUB_OUTPUT\"");
  out << YAML::EndMap;
  out << YAML::EndSeq;
  out << YAML::EndMap;
}

void put_run_job(YAML::Emitter& out, const ExportSettings& settings, const JobIds& ids,
                 const spec::Job& job) {
  out << YAML::Key;
  put_string(out, ids.job(job.name));
  out << YAML::Value << YAML::BeginMap;
  put_entry(out, "name", job.name);
  std::vector<std::string> needs = {std::string(k_plan_id)};
  for (const auto& need : job.needs)
    needs.push_back(ids.job(need.value));
  put_list(out, "needs", needs);
  // The plan lists exactly the jobs the ref's flow runs (first matching flow, with needs).
  put_entry(out, "if",
            "contains(fromJSON(needs.pipewright-plan.outputs.jobs), " +
                expression_string(job.name) + ")");
  put_entry(out, "runs-on", k_runs_on);
  out << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
  put_checkout(out, false);
  std::vector<std::string> args = {"run", "--only", job.name};
  const std::string junit = std::string(k_junit_dir) + job.name + ".xml";
  if (!job.junit.empty()) {
    args.push_back("--junit");
    args.push_back(junit);
  }
  out << YAML::BeginMap;
  put_entry(out, "name", "pipewright run " + job.name);
  put_script(out, pipewright_command(settings, args));
  out << YAML::EndMap;
  if (!job.junit.empty()) {
    out << YAML::BeginMap;
    put_entry(out, "if", "always()");
    put_entry(out, "uses", "actions/upload-artifact@v4");
    out << YAML::Key << "with" << YAML::Value << YAML::BeginMap;
    put_entry(out, "name", "junit-" + ids.job(job.name));
    put_entry(out, "path", junit);
    put_entry(out, "if-no-files-found", "ignore");
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
}

// The plan job, then the jobs of the flows in set (in spec order), as a job's needs.
std::vector<std::string> flow_needs(const spec::Spec& spec, const ExportModel& model,
                                    const JobIds& ids, const FlowSet& set) {
  std::vector<std::string> needs = {std::string(k_plan_id)};
  for (std::size_t j = 0; j < spec.jobs.size(); ++j) {
    for (std::size_t f = 0; f < set.size(); ++f) {
      if (set[f] && model.job_flows[j][f]) {
        needs.push_back(ids.job(spec.jobs[j].name));
        break;
      }
    }
  }
  return needs;
}

void put_write_permission(YAML::Emitter& out) {
  out << YAML::Key << "permissions" << YAML::Value << YAML::BeginMap;
  put_entry(out, "contents", "write");
  out << YAML::EndMap;
}

void put_release_job(YAML::Emitter& out, const spec::Spec& spec, const ExportSettings& settings,
                     const ExportModel& model, const JobIds& ids) {
  out << YAML::Key << k_release_id.data() << YAML::Value << YAML::BeginMap;
  put_entry(out, "name", "release");
  put_list(out, "needs", flow_needs(spec, model, ids, model.release_flows));
  put_entry(out, "if",
            std::string(k_needs_passed) + " && needs.pipewright-plan.outputs.release == 'true'");
  put_entry(out, "runs-on", k_runs_on);
  put_write_permission(out);
  out << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
  put_checkout(out, true);
  out << YAML::BeginMap;
  put_entry(out, "name", "pipewright release");
  put_script(out, fetch_state_command(settings) + "\n" + pipewright_command(settings, {"release"}) +
                      "\n" + pipewright_command(settings, {"push"}) + " \"$PIPEWRIGHT_REMOTE\"");
  out << YAML::EndMap;
  out << YAML::EndSeq;
  out << YAML::EndMap;
}

void put_promote_job(YAML::Emitter& out, const spec::Spec& spec, const ExportSettings& settings,
                     const ExportModel& model, const JobIds& ids,
                     const spec::Environment& environment, const FlowSet& flows) {
  out << YAML::Key;
  put_string(out, ids.promotion(environment.name));
  out << YAML::Value << YAML::BeginMap;
  put_entry(out, "name", "promote " + environment.name);
  std::vector<std::string> needs = flow_needs(spec, model, ids, flows);
  bool releases = false;
  for (std::size_t f = 0; f < flows.size(); ++f)
    releases = releases || (flows[f] && model.release_flows[f]);
  if (releases)
    needs.insert(needs.begin() + 1, std::string(k_release_id));
  put_list(out, "needs", needs);
  put_entry(out, "if",
            std::string(k_needs_passed) + " && needs.pipewright-plan.outputs.promote == " +
                expression_string(environment.name));
  put_entry(out, "runs-on", k_runs_on);
  // Approvals are the environment's protection rules (required reviewers) in GitHub.
  put_entry(out, "environment", environment.name);
  put_write_permission(out);
  out << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
  put_checkout(out, true);
  out << YAML::BeginMap;
  put_entry(out, "name", "pipewright promote " + environment.name);
  std::string promote = pipewright_command(settings, {"promote", environment.name});
  if (environment.approval.required)
    promote += " --approved-by \"$GITHUB_TRIGGERING_ACTOR\"";
  put_script(out, fetch_state_command(settings) + "\n" + promote + "\n" +
                      pipewright_command(settings, {"push"}) + " \"$PIPEWRIGHT_REMOTE\"");
  out << YAML::EndMap;
  out << YAML::EndSeq;
  out << YAML::EndMap;
}

}  // namespace

std::string export_github(const spec::Spec& spec, const ExportSettings& settings) {
  const JobIds ids(spec);
  const ExportModel model = build_export_model(spec);
  YAML::Emitter out;
  out << YAML::BeginMap;
  put_entry(out, "name", "pipewright");
  put_on(out, spec);
  out << YAML::Key << "permissions" << YAML::Value << YAML::BeginMap;
  put_entry(out, "contents", "read");
  out << YAML::EndMap;
  out << YAML::Key << "env" << YAML::Value << YAML::BeginMap;
  put_entry(out, "PIPEWRIGHT", "${{ vars.PIPEWRIGHT || 'pipewright' }}");
  put_entry(out, "PIPEWRIGHT_REMOTE", "origin");
  // pipewright's git client (libgit2) does not read actions/checkout's http.extraheader: the
  // job's token reaches fetch and push through these (write access where a job asks for it).
  put_entry(out, "PIPEWRIGHT_GIT_TOKEN", "${{ github.token }}");
  put_entry(out, "PIPEWRIGHT_GIT_USER", "x-access-token");
  out << YAML::EndMap;
  out << YAML::Key << "jobs" << YAML::Value << YAML::BeginMap;
  put_plan_job(out, settings);
  for (const auto& job : spec.jobs)
    put_run_job(out, settings, ids, job);
  if (any_flow(model.release_flows))
    put_release_job(out, spec, settings, model, ids);
  for (std::size_t e = 0; e < model.promoted_environments.size(); ++e) {
    const spec::Environment* environment = spec.find_environment(model.promoted_environments[e]);
    put_promote_job(out, spec, settings, model, ids, *environment, model.promote_flows[e]);
  }
  out << YAML::EndMap;
  out << YAML::EndMap;
  return render_document(header_lines(CiSystem::github, settings), out);
}

}  // namespace pw::ci
