#include "ci/ci_flow.hpp"

#include "core/error.hpp"
#include "git/failure.hpp"
#include "git/repository.hpp"
#include "plan/flow_select.hpp"
#include "promote/promotion.hpp"
#include "promote/state_sync.hpp"
#include "release/release_head.hpp"
#include "run/run_summary.hpp"

namespace pw::ci {
namespace {

// Opens a phase of the log and closes it however the scope is left.
class Phase {
 public:
  Phase(CiLog& log, std::string_view id, std::string_view title) : log_(log), id_(id) {
    log_.begin(id_, title);
  }
  ~Phase() { log_.end(id_); }
  Phase(const Phase&) = delete;
  Phase& operator=(const Phase&) = delete;

 private:
  CiLog& log_;
  std::string id_;
};

std::string describe(const GitRefName& ref) {
  return std::string(ref.kind == spec::RefKind::tag ? "tag '" : "branch '") + ref.name + "'";
}

std::string job_list(const spec::Flow& flow) {
  std::string names;
  for (const auto& job : flow.run)
    names += (names.empty() ? "" : ", ") + job.value;
  return names;
}

void run_jobs(const spec::Spec& spec, git::Repository& repository, const spec::Flow& flow,
              const CiRequest& request, const run::RunAdapters& adapters, CiLog& log,
              CiOutcome& outcome) {
  Phase phase(log, "jobs", "flow '" + flow.name + "': " + job_list(flow));
  run::RunRequest run_request;
  run_request.flow = &flow;
  run_request.changes = request.changes;
  run_request.parallelism = request.parallelism;
  run_request.policy = request.policy;
  run_request.use_cache = request.use_cache;
  const run::RunReport report = run::run_pipeline(spec, repository, run_request, adapters);
  outcome.run_id = report.run_id;
  outcome.jobs = run::summarize(report.jobs);
  for (const auto& left : report.left_out)
    outcome.not_selected.push_back(left.name + ": " + left.reason);
  outcome.tests = report.tests;
  outcome.junit = report.junit.string();
  if (report.exit_code != ExitCode::ok)
    throw run::verdict_error(report.exit_code, report.jobs, report.run_dir);
}

void release(const spec::Spec& spec, git::Repository& repository, const run::RunAdapters& adapters,
             CiLog& log, CiOutcome& outcome) {
  Phase phase(log, "release", "release: build, push and record the release image");
  const release::ReleaseOutcome released = release::release_head(
      spec, repository, {adapters.engine, adapters.processes, adapters.build_reporter});
  outcome.image = released.artifact.image();
  outcome.digest = released.artifact.digest;
  log.note("released " + released.artifact.commit.substr(0, 12) + ": " + outcome.image +
           (released.note_written ? "" : " (already recorded)"));
}

void promote(const spec::Spec& spec, git::Repository& repository, const std::string& environment,
             const CiRequest& request, const run::RunAdapters& adapters, CiLog& log,
             CiOutcome& outcome) {
  Phase phase(log, "promote", "promote to '" + environment + "'");
  promote::PromoteRequest promotion;
  promotion.environment = environment;
  promotion.commit = outcome.commit;
  promotion.approved_by = request.approved_by;
  const promote::PromoteResult result = promote::promote(spec, repository, promotion, adapters);
  outcome.environment = result.environment;
  outcome.image = result.image;
  outcome.digest = result.digest;
  log.note("promoted " + result.commit.substr(0, 12) + " to " + result.environment + ": " +
           result.image);
}

// The remote's environment refs, history and notes, so that policy sees what earlier
// pipelines (on other runners) released and promoted.
void fetch_state(const spec::Spec& spec, git::Repository& repository, const std::string& remote,
                 CiLog& log) {
  Phase phase(log, "fetch", "fetch environment state from '" + remote + "'");
  const promote::AdoptReport report = promote::fetch_state(spec, repository, remote);
  log.note(std::to_string(report.adopted.size()) + " refs taken from '" + remote + "'");
  for (const auto& why : report.kept)
    log.note("kept " + why);
}

// What this run recorded, for the next pipeline (on another runner) to see.
void push_state(const spec::Spec& spec, git::Repository& repository, const std::string& remote,
                CiLog& log) {
  Phase phase(log, "push", "push environment state to '" + remote + "'");
  const auto pushed = promote::push_state(spec, repository, remote);
  log.note(pushed.empty()
               ? "nothing to push"
               : "pushed " + std::to_string(pushed.size()) + " refs to '" + remote + "'");
}

// The steps of the flow; throws what stops it.
void run_flow(const spec::Spec& spec, git::Repository& repository, const spec::Flow& flow,
              const CiRequest& request, const run::RunAdapters& adapters, CiLog& log,
              CiOutcome& outcome) {
  const bool records = flow.release || flow.promote;
  if (records && !request.remote.empty())
    fetch_state(spec, repository, request.remote, log);
  if (!flow.run.empty())
    run_jobs(spec, repository, flow, request, adapters, log, outcome);
  if (flow.release)
    release(spec, repository, adapters, log, outcome);
  if (flow.promote)
    promote(spec, repository, flow.promote->value, request, adapters, log, outcome);
  if (records && !request.remote.empty())
    push_state(spec, repository, request.remote, log);
}

}  // namespace

CiRun run_ci(const spec::Spec& spec, git::Repository& repository, const CiRequest& request,
             const run::RunAdapters& adapters, CiLog& log) {
  if (!request.context.ref)
    throw UsageError("cannot tell which branch or tag this run is for; pass --branch or --tag");
  CiRun result;
  CiOutcome& outcome = result.outcome;
  outcome.context = request.context;
  try {
    outcome.commit = git::value_or_throw(repository.head_commit());
    const spec::Flow* flow = select_flow(spec, *request.context.ref);
    if (flow == nullptr) {
      log.note("no flow of " + spec.file + " matches " + describe(*request.context.ref) +
               "; nothing to do");
      return result;
    }
    outcome.flow = flow->name;
    log.note("flow '" + flow->name + "' for " + describe(*request.context.ref) + " at " +
             outcome.commit.substr(0, 12));
    run_flow(spec, repository, *flow, request, adapters, log, outcome);
  } catch (const Error& e) {
    outcome.error = e.what();
    outcome.exit_code = to_int(e.code());
    result.failure = std::current_exception();
  }
  return result;
}

}  // namespace pw::ci
