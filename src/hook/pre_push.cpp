#include "hook/pre_push.hpp"

#include <chrono>
#include <set>

#include "build/image_builder.hpp"
#include "core/error.hpp"
#include "git/changes_since.hpp"
#include "git/commit_tree.hpp"
#include "git/repository.hpp"
#include "hook/commit_path_probe.hpp"
#include "hook/verdict.hpp"
#include "pipewright/version.hpp"
#include "plan/flow_select.hpp"
#include "run/job_cache.hpp"
#include "run/job_runner.hpp"
#include "secret/secret_store.hpp"
#include "spec/load.hpp"
#include "spec/variables.hpp"
#include "state/state_dir.hpp"
#include "util/duration.hpp"

namespace pw::hook {
namespace {

constexpr std::size_t k_short = 7;

std::string short_sha(const std::string& sha) {
  return sha.substr(0, k_short);
}

// The flow whose jobs a push of ref runs, and a note when it is a fallback.
const spec::Flow* flow_for(const spec::Spec& spec, const GitRefName& ref, std::string& note) {
  const spec::Flow* flow = select_flow(spec, ref);
  if (flow != nullptr && !flow->run.empty())
    return flow;
  if (ref.kind == spec::RefKind::tag)
    return nullptr;
  for (const auto& candidate : spec.flows) {
    if (candidate.ref_kind == spec::RefKind::branch && !candidate.run.empty()) {
      note = (flow ? "flow '" + flow->name + "' runs no jobs" : "no flow matches") +
             std::string("; checking with the jobs of flow '") + candidate.name + "'";
      return &candidate;
    }
  }
  return nullptr;
}

// The changes of the pushed commit against what the remote has (see pre_push.hpp).
ChangeSet changes_for(const git::Repository& repository, const PushUpdate& update,
                      const GitRefName& ref, const std::string& remote) {
  std::vector<std::string> targets;
  if (!is_zero_sha(update.remote_sha) && repository.resolve(update.remote_sha))
    targets.push_back(update.remote_sha);
  if (ref.kind == spec::RefKind::branch &&
      repository.resolve("refs/remotes/" + remote + "/" + ref.name))
    targets.push_back("refs/remotes/" + remote + "/" + ref.name);
  if (repository.resolve("refs/remotes/" + remote + "/HEAD"))
    targets.push_back("refs/remotes/" + remote + "/HEAD");
  if (targets.empty())
    return ChangeSet::everything("nothing of the remote is known here: every job selected");
  auto changes = git::changes_since(repository, update.local_sha, targets.front());
  if (!changes)
    throw GitError(changes.error().message);
  return std::move(changes).value();
}

std::string describe_service(const spec::Service& service,
                             const std::function<std::string(std::string_view)>& secret) {
  std::string text = "service " + service.name + " image=" + service.image.value;
  for (const auto& [name, value] : service.env)
    text += " env " + name + "=" + spec::substitute_secrets(value.value, secret);
  for (const auto& s : service.secrets)
    text += " secret " + s.value + "=" + secret(s.value);
  for (const auto& arg : service.command)
    text += " arg " + std::to_string(arg.size()) + ":" + arg;
  text += " ready " + std::to_string(static_cast<int>(service.ready.kind)) + " " +
          std::to_string(service.ready.port) + " " + std::to_string(service.ready.timeout.count()) +
          " " + std::to_string(service.ready.interval.count());
  for (const auto& arg : service.ready.command)
    text += " ready-arg " + std::to_string(arg.size()) + ":" + arg;
  return text;
}

// The verdict key of running plan at commit; nullopt when a job cannot be keyed.
std::optional<std::string> verdict_of(const spec::Spec& spec, const std::string& spec_text,
                                      const spec::Flow& flow, const Plan& plan,
                                      git::Repository& repository, const std::string& commit) {
  std::map<std::string, std::string> image_ids;
  for (const auto& name : plan.images) {
    image_ids[name] =
        "inputs:" + build::image_inputs_key(*spec.find_image(name), repository, commit);
  }
  const auto inputs = run::job_input_ids(spec, plan, repository, commit, run::HostTree::clean);
  const auto base = run::run_base_environment(spec, "", commit);
  secret::SecretStore store(spec, spec::process_environment(), spec.root);
  const std::function<std::string(std::string_view)> secret = [&store](std::string_view name) {
    return store.value(std::string(name));
  };
  VerdictInputs verdict{k_version, spec_text, commit, flow.name, {}};
  for (const auto* planned : jobs_in_order(plan)) {
    const spec::Job* job = spec.find_job(planned->name);
    if (!inputs.count(job->name))
      return std::nullopt;
    const auto env = run::job_environment(*job, base, secret);
    std::string text =
        run::job_cache_key(run::job_cache_inputs(spec, *job, env, image_ids, inputs));
    text += " timeout=" + std::to_string(job->timeout.count());
    text += " workdir=" + job->workdir.value_or("-");
    for (const auto& pattern : job->junit)
      text += " junit " + std::to_string(pattern.size()) + ":" + pattern;
    for (const auto& s : job->services)
      text += "\n" + describe_service(*spec.find_service(s.value), secret);
    verdict.jobs.push_back(std::move(text));
  }
  return verdict_key(verdict);
}

std::string ref_text(const GitRefName& ref) {
  return (ref.kind == spec::RefKind::tag ? "tag '" : "branch '") + ref.name + "'";
}

std::string failed_jobs(const run::RunReport& report) {
  std::string text;
  for (const auto& job : report.jobs) {
    if (job.outcome != run::JobOutcome::failed && job.outcome != run::JobOutcome::timed_out)
      continue;
    text += "\n  job '" + job.name + "' " +
            (job.outcome == run::JobOutcome::timed_out ? "timed out" : "failed") +
            (job.note.empty() ? "" : " (" + job.note + ")") +
            (job.log.empty() ? "" : "; log: " + job.log.string());
  }
  return text;
}

// Checks one update; ok when it passed or has nothing to check.
ExitCode check_update(const PrePushRequest& request, const PushUpdate& update,
                      const GitRefName& ref, git::Repository& repository,
                      const run::RunAdapters& adapters, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  const std::string head =
      "pipewright pre-push: " + short_sha(update.local_sha) + " (" + ref_text(ref) + ")";
  auto tree = git::CommitTree::open(repository, update.local_sha);
  if (!tree)
    throw GitError(tree.error().message);
  const std::string relative = request.spec_file.lexically_relative(request.root).generic_string();
  if (relative.empty() || relative.starts_with(".."))
    throw UsageError("the spec " + request.spec_file.string() +
                     " is outside the repository; the hook reads it from the pushed commit");
  auto text = tree.value().read_file(relative);
  if (!text) {
    out << head << ": " << relative << " is not in this commit; nothing to check\n";
    return ExitCode::ok;
  }
  const CommitPathProbe probe(tree.value());
  const spec::Spec spec = spec::load_spec_source(
      spec::LoadRequest{request.spec_file, request.root, {}, &probe}, text.value());
  std::string note;
  const spec::Flow* flow = flow_for(spec, ref, note);
  if (flow == nullptr) {
    out << head << ": no flow with jobs for it; nothing to check\n";
    return ExitCode::ok;
  }
  run::RunRequest run_request;
  run_request.flow = flow;
  run_request.changes = changes_for(repository, update, ref, request.remote);
  run_request.commit = update.local_sha;
  run_request.parallelism = request.parallelism;
  run_request.use_cache = request.use_cache;
  const Plan plan = run::request_plan(spec, run_request);
  const std::size_t count = jobs_in_order(plan).size();
  out << head << ": flow '" << flow->name << "'" << (note.empty() ? "" : " (" + note + ")") << ", "
      << count << (count == 1 ? " job" : " jobs");
  if (!plan.left_out.empty())
    out << ", " << plan.left_out.size() << " not selected";
  out << " (" << run_request.changes->note << ")\n";
  if (count == 0)
    return ExitCode::ok;
  const auto state = state::ensure_state_dir(spec.root);
  const VerdictCache verdicts(state / "cache" / "prepush");
  std::optional<std::string> key;
  if (request.use_cache) {
    key = verdict_of(spec, text.value(), *flow, plan, repository, tree.value().commit());
    if (key && verdicts.passed(*key)) {
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
      out << head << ": passed (unchanged since it passed; " << format_duration(took) << ")\n";
      return ExitCode::ok;
    }
  }
  out.flush();
  const run::RunReport report = run::run_pipeline(spec, repository, run_request, adapters);
  if (report.exit_code != ExitCode::ok) {
    out << head << ": FAILED" << failed_jobs(report) << "\n  " << k_bypass_hint << "\n";
    return report.exit_code;
  }
  if (key)
    verdicts.record_pass(*key, tree.value().commit() + " run " + report.run_id);
  out << head << ": passed\n";
  return ExitCode::ok;
}

}  // namespace

ExitCode run_pre_push(const PrePushRequest& request, git::Repository& repository,
                      const run::RunAdapters& adapters, std::ostream& out) {
  std::set<std::pair<std::string, std::string>> done;  // (commit, remote ref) checked
  for (const auto& update : request.updates) {
    if (is_zero_sha(update.local_sha)) {
      out << "pipewright pre-push: " << update.remote_ref << " is deleted; nothing to check\n";
      continue;
    }
    const auto ref = pushed_ref(update);
    if (!ref) {
      out << "pipewright pre-push: " << update.remote_ref
          << " is neither a branch nor a tag; nothing to check\n";
      continue;
    }
    if (!done.emplace(update.local_sha, update.remote_ref).second)
      continue;
    const ExitCode code = check_update(request, update, *ref, repository, adapters, out);
    if (code != ExitCode::ok)
      return code;
  }
  return ExitCode::ok;
}

}  // namespace pw::hook
