#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.hpp"
#include "cli/run_console.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "docker/container_cli.hpp"
#include "docker/docker_cli.hpp"
#include "git/repository.hpp"
#include "report/summary.hpp"
#include "run/pipeline_run.hpp"
#include "run/run_summary.hpp"

namespace pw::cli {
namespace {

struct RunCommandOptions {
  std::vector<std::string> jobs;
  int parallelism = 0;
  bool keep_going = false;
  bool no_cache = false;
  bool dirty = false;
  bool json = false;
  bool quiet = false;
  std::string junit_copy;  ///< --junit: where to copy the merged JUnit file
  bool only = false;       ///< --only: the named jobs without their needs
};

// --junit FILE: a copy of the run's merged JUnit file at a path a CI system collects.
void copy_junit(const run::RunReport& report, const std::string& destination) {
  if (destination.empty() || report.junit.empty())
    return;
  const std::filesystem::path to(destination);
  std::error_code ec;
  if (to.has_parent_path())
    std::filesystem::create_directories(to.parent_path(), ec);
  std::filesystem::copy_file(report.junit, to, std::filesystem::copy_options::overwrite_existing,
                             ec);
  if (ec)
    std::cerr << "pipewright: warning: cannot copy the JUnit report to " << destination << ": "
              << ec.message() << "\n";
}

void run_run(const GlobalOptions& global, const RunCommandOptions& options) {
  const spec::Spec spec = load_spec(global);
  require_known(spec, NameKind::job, options.jobs);
  auto repo = git::Repository::discover(spec.root);
  if (!repo)
    throw GitError(repo.error().message);
  install_interrupt_handlers();
  Console console(options.json ? Console::Target::stderr_only : Console::Target::stdout_and_stderr);
  const Lines lines = options.quiet ? Lines::hidden : Lines::shown;
  ConsoleBuildReporter build_reporter(console, lines);
  ConsoleRunOutput output(console, lines);
  proc::SystemProcessRunner processes;
  docker::DockerCli engine(processes);
  docker::ContainerCli runtime(processes);
  run::RunRequest request;
  request.jobs = options.jobs;
  request.needs = options.only ? NeedsScope::named_only : NeedsScope::with_needs;
  request.parallelism = parallelism_or_cores(options.parallelism);
  request.policy =
      options.keep_going ? run::FailurePolicy::keep_going : run::FailurePolicy::fail_fast;
  request.use_cache = !options.no_cache;
  request.source = options.dirty ? build::Source::working_copy : build::Source::commit;
  const run::RunReport report = run::run_pipeline(
      spec, repo.value(), request, {engine, runtime, processes, build_reporter, output});
  copy_junit(report, options.junit_copy);
  const auto table = run::summarize(report.jobs);
  if (options.json) {
    nlohmann::json out = report::summary_json(table);
    out["run_id"] = report.run_id;
    out["junit"] =
        report.junit.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.junit.string());
    out["exit_code"] = to_int(report.exit_code);
    std::cout << out.dump(2) << "\n";
  } else {
    const char* no_color = std::getenv("NO_COLOR");
    const bool color = ::isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0');
    std::cout << "\n"
              << report::render_summary_table(table,
                                              color ? report::Color::always : report::Color::never);
    if (!report.junit.empty())
      std::cout << "JUnit report: " << report.junit.string() << "\n";
  }
  if (report.exit_code != ExitCode::ok)
    throw run::verdict_error(report.exit_code, report.jobs, report.run_dir);
}

}  // namespace

void add_run_command(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("run", "Run jobs (and what they need) inside the built images");
  auto options = std::make_shared<RunCommandOptions>();
  cmd->add_option("jobs", options->jobs, "Jobs to run (default: all); their needs come along");
  cmd->add_option("-j,--jobs", options->parallelism, "Run at most N jobs at once (default: cores)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--keep-going", options->keep_going,
                "Run everything that can run after a failure (default: stop at the first)");
  cmd->add_flag("--no-cache", options->no_cache,
                "Run jobs even when nothing they depend on changed");
  cmd->add_flag("--dirty", options->dirty, "Build images from the working copy instead of HEAD");
  cmd->add_flag("--json", options->json, "Print the summary as JSON (job output goes to stderr)");
  cmd->add_flag("--only", options->only,
                "Run exactly the named jobs, not what they need (their needs ran elsewhere, e.g. "
                "in earlier CI jobs)");
  cmd->add_option("--junit", options->junit_copy,
                  "Also copy the merged JUnit report to FILE (for a CI system to collect)");
  cmd->add_flag("-q,--quiet", options->quiet,
                "Do not stream job output (it still goes to each job's log file)");
  cmd->footer(
      "Each job runs `sh -c RUN` in a container of its image (or on the host), with its env and\n"
      "secrets as environment values, $PIPEWRIGHT_REPORTS for JUnit files, and its services on\n"
      "a private network. Containers and networks are removed on success, failure, timeout,\n"
      "Ctrl-C and SIGTERM; `pipewright clean` removes what killed runs left.\n"
      "Exit status: 0 all passed; 1 a job failed; 4 a job timed out; 3 invalid spec; 5 Docker\n"
      "unavailable; 6 image build failed; 7 secret missing; 130/143 interrupted.");
  cmd->callback([&global, options] { run_run(global, *options); });
}

}  // namespace pw::cli
