#include "run/job_runner.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>

#include "spec/variables.hpp"
#include "util/duration.hpp"

namespace pw::run {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Outcome and note from how a command ended (container or host).
void judge(JobRecord& record, const proc::ExitStatus& client, int exit_code,
           std::chrono::milliseconds timeout) {
  record.exit_code = exit_code;
  switch (client.kind) {
    case proc::ExitStatus::Kind::timed_out:
      record.outcome = JobOutcome::timed_out;
      record.note = "timed out after " + format_duration(timeout);
      return;
    case proc::ExitStatus::Kind::cancelled:
      record.outcome = JobOutcome::cancelled;
      record.note = "stopped";
      return;
    case proc::ExitStatus::Kind::failed_to_start:
      record.outcome = JobOutcome::failed;
      record.note = client.describe();
      return;
    default:
      break;
  }
  record.outcome = exit_code == 0 ? JobOutcome::passed : JobOutcome::failed;
  if (exit_code != 0) {
    record.note = exit_code < 0 ? client.describe() : "exit code " + std::to_string(exit_code);
  }
}

bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
  if (patterns.empty())
    return name.size() > 4 && name.substr(name.size() - 4) == ".xml";
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return ::fnmatch(p.c_str(), name.c_str(), FNM_PATHNAME) == 0;
  });
}

}  // namespace

std::map<std::string, std::string> job_environment(
    const spec::Job& job, const std::map<std::string, std::string>& base_env,
    const std::function<std::string(std::string_view)>& secret) {
  std::map<std::string, std::string> env = base_env;
  for (const auto& [name, value] : job.env) {
    env[name] = spec::substitute_secrets(value.value, secret);
  }
  for (const auto& s : job.secrets)
    env[s.value] = secret(s.value);
  env["PIPEWRIGHT_JOB"] = job.name;
  return env;
}

JobCacheInputs job_cache_inputs(const spec::Spec& spec, const spec::Job& job,
                                const std::map<std::string, std::string>& env,
                                const std::map<std::string, std::string>& image_ids,
                                const std::map<std::string, std::string>& job_inputs) {
  JobCacheInputs inputs;
  inputs.job = job.name;
  inputs.place = job.image ? image_ids.at(job.image->value) : "host";
  inputs.command = job.run.value;
  for (const auto& [name, value] : env) {
    // These name the run, not the work: equal jobs of two runs differ only there.
    if (name != "PIPEWRIGHT_RUN_ID" && name != "PIPEWRIGHT_REPORTS")
      inputs.env.emplace_back(name, value);
  }
  auto it = job_inputs.find(job.name);
  inputs.inputs = it == job_inputs.end() ? "" : it->second;
  for (const auto& service : job.services) {
    const spec::Service* s = spec.find_service(service.value);
    auto image = image_ids.find(s->image.value);
    inputs.services.push_back(service.value + "=" +
                              (image != image_ids.end() ? image->second : s->image.value));
  }
  return inputs;
}

JobRunner::JobRunner(JobEnvironment environment, RunResources& resources,
                     docker::ContainerRuntime& runtime, proc::ProcessRunner& processes,
                     ServicePool& services, const JobCache* cache, const secret::Masker& masker,
                     RunOutput& output)
    : env_(std::move(environment)),
      resources_(resources),
      runtime_(runtime),
      processes_(processes),
      services_(services),
      cache_(cache),
      masker_(masker),
      output_(output) {}

JobOutcome JobRunner::execute(const PlannedJob& planned, const std::atomic<bool>& stop) {
  const spec::Job& job = *env_.spec.find_job(planned.name);
  const auto start = Clock::now();
  const auto reports = env_.run_dir / "reports" / job.name;
  std::filesystem::create_directories(reports);
  std::filesystem::create_directories(env_.run_dir / "logs");
  auto env = job_environment(job, env_.base_env, env_.secret);
  env["PIPEWRIGHT_REPORTS"] = job.image ? k_container_reports : reports.string();

  const bool cacheable = cache_ != nullptr && env_.job_inputs.count(job.name) != 0;
  const std::string key =
      cacheable
          ? job_cache_key(job_cache_inputs(env_.spec, job, env, env_.image_ids, env_.job_inputs))
          : "";
  if (cacheable) {
    if (auto stored = cache_->find(job.name, key)) {
      JobRecord record{
          job.name, JobOutcome::cached, since(start), 0, "unchanged since a passing run", {}, {},
          {}};
      std::error_code ec;
      std::filesystem::copy(*stored, reports,
                            std::filesystem::copy_options::recursive |
                                std::filesystem::copy_options::overwrite_existing,
                            ec);
      collect_reports(record, job, reports);
      return finish(std::move(record));
    }
  }
  output_.job_started(job.name);
  if (!job.services.empty()) {
    std::vector<std::string> names;
    for (const auto& s : job.services)
      names.push_back(s.value);
    if (auto problem = services_.ensure(names, stop)) {
      output_.message(job.name, masker_.mask(*problem));
      JobRecord record{job.name,
                       stop.load() ? JobOutcome::cancelled : JobOutcome::failed,
                       since(start),
                       -1,
                       masker_.mask(problem->substr(0, problem->find('\n'))),
                       {},
                       {},
                       {}};
      return finish(std::move(record));
    }
  }
  const auto log_path = env_.run_dir / "logs" / (job.name + ".log");
  std::ofstream log(log_path, std::ios::trunc);
  const proc::LineSink sink = [&](proc::Stream, std::string_view line) {
    const std::string masked = masker_.mask(line);
    log << masked << '\n';
    output_.job_line(job.name, masked);
  };
  JobRecord record = job.image ? run_in_container(job, env, reports, stop, sink)
                               : run_on_host(job, env, reports, stop, sink);
  log.flush();
  record.duration = since(start);
  record.log = log_path;
  collect_reports(record, job, reports);
  if (cacheable && record.outcome == JobOutcome::passed)
    cache_->store(job.name, key, reports);
  return finish(std::move(record));
}

JobRecord JobRunner::run_in_container(const spec::Job& job,
                                      const std::map<std::string, std::string>& env,
                                      const std::filesystem::path& reports,
                                      const std::atomic<bool>& stop, const proc::LineSink& sink) {
  JobRecord record{job.name, JobOutcome::failed, {}, -1, {}, {}, {}, {}};
  docker::ContainerSpec container;
  container.image = env_.image_ids.at(job.image->value);
  container.name = "pipewright-" + resources_.identity().run_id + "-" + job.name;
  // A job is its own command: the image's ENTRYPOINT (a release image's program) is cleared.
  container.entrypoint = "";
  container.command = {"sh", "-c", job.run.value};
  container.workdir = job.workdir;
  container.env = env;
  container.labels = resources_.labels({{k_label_job, job.name}});
  container.mounts.push_back({reports, k_container_reports, false});
  if (!job.services.empty())
    container.network = resources_.network();
  const docker::ContainerExit exit = runtime_.run_container(container, job.timeout, &stop, sink);
  judge(record, exit.client, exit.exit_code, job.timeout);
  return record;
}

JobRecord JobRunner::run_on_host(const spec::Job& job,
                                 const std::map<std::string, std::string>& env,
                                 const std::filesystem::path& /*reports*/,
                                 const std::atomic<bool>& stop, const proc::LineSink& sink) {
  JobRecord record{job.name, JobOutcome::failed, {}, -1, {}, {}, {}, {}};
  proc::Command command;
  command.argv = {"sh", "-c", job.run.value};
  command.working_dir = env_.root;
  command.env = env;
  command.timeout = job.timeout;
  command.cancel = &stop;
  const proc::ExitStatus status = processes_.run(command, sink);
  const int code = status.kind == proc::ExitStatus::Kind::exited ? status.code : -1;
  judge(record, status, code, job.timeout);
  return record;
}

void JobRunner::collect_reports(JobRecord& record, const spec::Job& job,
                                const std::filesystem::path& reports) const {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(reports, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file())
      continue;
    const std::string relative = std::filesystem::relative(it->path(), reports).generic_string();
    if (matches_any(job.junit, relative))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto parsed = report::read_junit(file);
    if (!parsed) {
      output_.message(job.name,
                      "ignoring report " + file.filename().string() + ": " + parsed.error());
      continue;
    }
    report::TestCounts counts = record.tests.value_or(report::TestCounts{});
    counts += parsed.value().counts;
    record.tests = counts;
    record.junit.push_back(file);
  }
}

JobOutcome JobRunner::finish(JobRecord record) {
  const JobOutcome outcome = record.outcome;
  output_.job_finished(record);
  std::lock_guard lock(mutex_);
  records_.push_back(std::move(record));
  return outcome;
}

void JobRunner::skipped(const PlannedJob& job, const std::string& failed_need) {
  JobRecord record{job.name,
                   JobOutcome::skipped,
                   {},
                   -1,
                   failed_need.empty() ? "not started: the run was stopped"
                                       : "needs '" + failed_need + "', which did not pass",
                   {},
                   {},
                   {}};
  output_.job_finished(record);
  std::lock_guard lock(mutex_);
  records_.push_back(std::move(record));
}

std::vector<JobRecord> JobRunner::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

}  // namespace pw::run
